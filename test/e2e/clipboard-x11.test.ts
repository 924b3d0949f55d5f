// The real clipboard: an Xvfb display, Debian's xsel and xclip. `otp code --copy` puts the code
// on the CLIPBOARD selection, the detached helper clears it after --clear-after 2, and leaves
// alone a clipboard the user changed meanwhile. Each tool is tried alone (PATH holds only it).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectOk, newSecret, otp, totpRef, totpWindow } from "../helpers/e2e-util.js";
import { hasTool, needTool } from "../helpers/tools.js";

const ready = needTool("Xvfb", "xvfb") && needTool("xsel") && needTool("xclip");

let xvfb: ChildProcess | undefined;
let display = "";

beforeAll(async () => {
  if (!ready) return;
  // -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
  xvfb = spawn("Xvfb", ["-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "640x480x24"], {
    stdio: ["ignore", "ignore", "ignore", "pipe"],
  });
  display = await new Promise<string>((resolve, reject) => {
    let got = "";
    xvfb!.stdio[3]!.on("data", (d) => {
      got += d;
      if (got.includes("\n")) resolve(":" + got.trim());
    });
    xvfb!.on("exit", () => reject(new Error("Xvfb exited")));
    setTimeout(() => reject(new Error("Xvfb did not start")), 10_000);
  });
});

afterAll(() => {
  xvfb?.kill();
});

// xsel wants a HOME (for its log); the tools get nothing else of the runner's environment.
const xEnv = () => ({ DISPLAY: display, PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/" });

/** The CLIPBOARD selection, read with the real tool. */
function clipboard(): string {
  const r = spawnSync(
    hasTool("xsel") ? "xsel" : "xclip",
    hasTool("xsel") ? ["--clipboard", "--output"] : ["-selection", "clipboard", "-out"],
    { env: xEnv(), encoding: "utf8", timeout: 5000 },
  );
  return r.stdout;
}

function setClipboard(text: string): void {
  const r = spawnSync("xsel", ["--clipboard", "--input"], { env: xEnv(), input: text, timeout: 5000 });
  expect(r.status, String(r.stderr)).toBe(0);
}

/** A PATH folder holding only `tool` (so otp must use it). */
function onlyTool(h: OtpHome, tool: string): string {
  const bin = join(h.home, `bin-${tool}`);
  mkdirSync(bin);
  const where = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
  symlinkSync(where, join(bin, tool));
  return bin;
}

/** True while a clearing helper runs with this HOME in its environment. */
function helperRunning(home: string): boolean {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("otp-clipboard-clear")) continue;
      if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`HOME=${home}`)) return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe.skipIf(!ready).each(["xsel", "xclip"])("the X11 clipboard through %s (Xvfb)", (tool) => {
  it("copies the code, and clears it after --clear-after 2", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const env = { DISPLAY: display, PATH: onlyTool(h, tool) };
    const before = Date.now();
    const r = otp(h, ["code", "github", "--copy", "--clear-after", "2"], { env });
    expect(expectOk(r)).toBe("");
    expect(r.stderr).toMatch(/copied github's code to the clipboard; it clears in 2 s/);
    expect(totpWindow(before, Date.now(), (t) => totpRef(s, t))).toContain(clipboard());
    expect(await until(() => clipboard() === "")).toBe(true);
    expect(await until(() => !helperRunning(h.home))).toBe(true);
  });

  it("leaves alone a clipboard the user changed meanwhile", async () => {
    await using h = await otpHome([totp("github", newSecret())]);
    const env = { DISPLAY: display, PATH: onlyTool(h, tool) };
    expectOk(otp(h, ["code", "github", "--copy", "--clear-after", "2"], { env }));
    expect(clipboard()).toMatch(/^\d{6}$/);
    setClipboard("my own text");
    expect(helperRunning(h.home)).toBe(true);
    expect(await until(() => !helperRunning(h.home))).toBe(true);
    expect(clipboard()).toBe("my own text");
  });
});
