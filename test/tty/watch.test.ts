// `otp watch` and `otp` alone in a real terminal (tmux): the codes and next codes shown are
// checked against an independent TOTP (reference-totp.ts), the countdown moves with the clock,
// typing narrows the list, Enter copies (a fake xsel keeps the clipboard in a file), Space makes
// an HOTP code, a resize redraws, and q or SIGTERM put the terminal back exactly: same `stty -a`,
// the alternate screen left, the cursor shown.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OTP_BIN, hotp as hotpDraft, otpHome, runOtp, runOtpAsync, totp, type OtpHome } from "../helpers/otp-home.js";
import { newSecret } from "../helpers/e2e-util.js";
import { killTmuxSessions, startTmux, type TmuxSession } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";
import { hotp, totpStep } from "./reference-totp.js";

const GITHUB = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const GITLAB = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const BANK = "KRUGS4ZANFZSAYJAONSWG4TFOQQGM33S";
const hasFaketime = needTool("faketime");

const home = () =>
  otpHome([totp("github", GITHUB, { issuer: "GitHub" }), totp("gitlab", GITLAB, { issuer: "GitLab" }), hotpDraft("bank", BANK, 4)]);

/** A fake xsel on PATH that keeps the clipboard in HOME/clipboard. */
function fakeClipboard(h: OtpHome): { env: Record<string, string>; board: string } {
  const bin = join(h.home, "fakebin");
  mkdirSync(bin, { recursive: true });
  const board = join(h.home, "clipboard");
  writeFileSync(
    join(bin, "xsel"),
    `#!/bin/sh\ncase "$*" in *--input*) cat > '${board}' ;; *--output*) cat '${board}' 2>/dev/null ;; *--clear*) : > '${board}' ;; esac\n`,
  );
  chmodSync(join(bin, "xsel"), 0o755);
  return { env: { PATH: `${bin}:${process.env.PATH}`, DISPLAY: ":99" }, board };
}

interface Row {
  name: string;
  code: string;
  next: string;
  left: number;
}

/** The TOTP rows on the screen: name, code, next code, seconds left. */
function rows(screen: string): Row[] {
  const re = /^[› ] (\S+) .*?(\d{3}) (\d{3})  next (\d{3}) (\d{3})  [█░]{10} +(\d+)s$/gm;
  return [...screen.matchAll(re)].map((m) => ({ name: m[1]!, code: m[2]! + m[3]!, next: m[4]! + m[5]!, left: Number(m[6]) }));
}

/** Each character of a captured line (capture-pane -e), with its reverse-video state and colour. */
function sgrCells(line: string): { ch: string; reverse: boolean; fg: string | null }[] {
  const out: { ch: string; reverse: boolean; fg: string | null }[] = [];
  let reverse = false;
  let fg: string | null = null;
  for (const m of line.matchAll(/\x1b\[([0-9;]*)m|([^\x1b])/gu)) {
    if (m[2] !== undefined) out.push({ ch: m[2], reverse, fg });
    else
      for (const p of (m[1] || "0").split(";")) {
        if (p === "0") [reverse, fg] = [false, null];
        else if (p === "7") reverse = true;
        else if (p === "27") reverse = false;
        else if (/^3\d$/.test(p)) fg = p === "39" ? null : p;
      }
  }
  return out;
}

const state = async (t: TmuxSession) => (await t.tmux("display-message", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}")).trim();

/** The same `stty -a` as before, and in the bytes printed: the cursor shown again and the alternate screen left after they were last changed. */
async function expectRestored(t: TmuxSession): Promise<void> {
  const { before, after } = t.stty();
  expect(after).toContain("rows 30");
  expect(after).toBe(before);
  const log = await t.waitForOutput(/\[exit \d+\]/);
  expect(log.lastIndexOf("\x1b[?25h")).toBeGreaterThan(log.lastIndexOf("\x1b[?25l"));
  expect(log.lastIndexOf("\x1b[?1049l")).toBeGreaterThan(log.lastIndexOf("\x1b[?1049h"));
  expect(log.lastIndexOf("\x1b[?1049h")).toBeGreaterThanOrEqual(0);
}

async function otpPid(t: TmuxSession): Promise<number> {
  const shell = (await t.tmux("display-message", "-p", "-t", "t", "#{pane_pid}")).trim();
  const children = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", shell], { encoding: "utf8" });
  const node = children
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find(([, comm]) => comm === "node");
  if (!node) throw new Error(`no otp process under ${shell}: ${children}`);
  return Number(node[0]);
}

describe.skipIf(!needTool("tmux"))("otp watch (tmux)", () => {
  afterEach(killTmuxSessions);

  it("shows every entry's code and next code, right by an independent TOTP, and the countdown moves", async () => {
    using h = await home();
    const from = Date.now();
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_PASSWORD: "test" } });
    const first = rows(await t.waitFor(/gitlab .*s$/m));
    expect(first.map((r) => r.name)).toEqual(["github", "gitlab"]);
    for (const r of first) {
      const secret = r.name === "github" ? GITHUB : GITLAB;
      const step = totpStep(secret, r.code, from, Date.now());
      expect(step, `${r.name} ${r.code}`).toBeDefined();
      expect(r.next).toBe(hotp(secret, step! + 1));
      expect(r.left).toBeGreaterThanOrEqual(1);
      expect(r.left).toBeLessThanOrEqual(30);
    }
    expect(await t.screen()).toMatch(/^  bank .*Space: new code$/m);
    // the countdown changes within two seconds (a new frame each second of the wall clock)
    const later = async () => {
      const end = Date.now() + 2500;
      for (;;) {
        const now = rows(await t.screen()).find((r) => r.name === "github");
        if (now && (now.left !== first[0]!.left || now.code !== first[0]!.code)) return now;
        if (Date.now() > end) throw new Error(`the countdown did not move:\n${await t.screen()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const moved = await later();
    expect(totpStep(GITHUB, moved.code, from, Date.now())).toBeDefined();
    expect(await state(t)).toBe("1 0"); // alternate screen, cursor hidden
    await t.type("q");
    expect(await t.exitCode()).toBe(0);
    await expectRestored(t);
    expect((await state(t)).split(" ")[0]).toBe("0"); // the alternate screen is off
    expect(await t.screen()).not.toContain("Type to filter");
  });

  it("typing narrows the list, Enter copies the selected code, Esc clears, q quits", async () => {
    using h = await home();
    const clip = fakeClipboard(h);
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_PASSWORD: "test", ...clip.env } });
    await t.waitFor(/gitlab .*s$/m);
    await t.type("lab");
    const narrowed = await t.waitFor(/Filter: lab▏ +1 of 3/);
    expect(rows(narrowed).map((r) => r.name)).toEqual(["gitlab"]);
    const from = Date.now();
    await t.sendKeys("Enter");
    await t.waitFor(/copied gitlab's code to the clipboard/);
    const copied = readFileSync(clip.board, "utf8");
    expect(totpStep(GITLAB, copied, from - 1000, Date.now())).toBeDefined();
    await t.sendKeys("Escape");
    await t.waitFor(/Type to filter +3 of 3/);
    await t.type("q");
    expect(await t.exitCode()).toBe(0);
    await expectRestored(t);
  });

  it("arrows select; Space makes the HOTP code of the saved counter", async () => {
    using h = await home();
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/bank .*Space: new code/);
    await t.sendKeys("Down", "Down");
    await t.waitFor(/^› bank /m);
    await t.sendKeys("Space");
    const screen = await t.waitFor(/^› bank .*counter 4/m);
    const [, a, b] = /^› bank .*?(\d{3}) (\d{3}) /m.exec(screen) ?? [];
    expect(a! + b!).toBe(hotp(BANK, 4));
    await t.sendKeys("C-c");
    expect(await t.exitCode()).toBe(0);
    await expectRestored(t);
  });

  it("redraws for a new size", async () => {
    using h = await home();
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/next \d{3} \d{3}/);
    await t.tmux("resize-window", "-t", "t", "-x", "44", "-y", "12");
    const narrow = await t.waitFor(/^[› ] github .*s$/m);
    expect(narrow).not.toMatch(/next \d/); // no room for the next code at 44 columns
    for (const line of narrow.split("\n")) expect([...line].length).toBeLessThanOrEqual(44);
    await t.type("q");
    expect(await t.exitCode()).toBe(0);
  });

  it("at 60 columns names stay whole and the selected row's bar keeps its colours", async () => {
    using h = await otpHome([
      totp("Amazon Web Services", GITHUB, { issuer: "Amazon", account: "jane.doe@example.com" }),
      totp("Microsoft", GITLAB, { issuer: "Microsoft", account: "jane@outlook.com" }),
      hotpDraft("bank", BANK, 4),
    ]);
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_PASSWORD: "test" }, noColor: false });
    await t.waitFor(/Microsoft .*s$/m);
    await t.tmux("resize-window", "-t", "t", "-x", "60", "-y", "12");
    const screen = await t.waitFor(/^› Amazon Web Services  .*█.*s$/m);
    expect(screen).toMatch(/^  Microsoft {12}/m);
    expect(screen).not.toMatch(/next \d/);
    for (const line of screen.split("\n")) expect([...line].length).toBeLessThanOrEqual(60);
    // The selected row as the terminal holds it: its name in reverse video, its bar not.
    const coloured = (await t.tmux("capture-pane", "-p", "-e", "-t", "t")).split("\n").find((l) => l.includes("Amazon Web Services"))!;
    const cs = sgrCells(coloured);
    expect(cs.filter((c) => c.ch === "█").length).toBeGreaterThan(0);
    for (const c of cs.filter((c) => c.ch === "█" || c.ch === "░")) expect(c.reverse, coloured).toBe(false);
    for (const c of cs.filter((c) => c.ch === "█")) expect(["31", "32", "33"], coloured).toContain(c.fg);
    expect(cs.find((c) => c.ch === "W")!.reverse).toBe(true);
    await t.type("q");
    expect(await t.exitCode()).toBe(0);
  });

  it("SIGTERM ends it with 143 and the terminal restored", async () => {
    using h = await home();
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/gitlab .*s$/m);
    process.kill(await otpPid(t), "SIGTERM");
    expect(await t.exitCode()).toBe(143);
    await expectRestored(t);
    expect((await state(t)).split(" ")[0]).toBe("0"); // the alternate screen is off
  });

  it("shows entries another otp adds meanwhile", async () => {
    using h = await home();
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/Type to filter +3 of 3/);
    const added = await runOtpAsync(["add", "newsite", "--stdin"], h.env(), "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U\n");
    expect(added.code, added.stderr).toBe(0);
    await t.waitFor(/^  newsite .*s$/m);
    await t.waitFor(/Type to filter +4 of 4/);
    await t.type("q");
    expect(await t.exitCode()).toBe(0);
  });

  it("`otp` alone on a terminal opens the view", async () => {
    using h = await home();
    const t = await startTmux({ home: h.home, args: [], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/Type to filter +3 of 3/);
    await t.type("q");
    expect(await t.exitCode()).toBe(0);
    await expectRestored(t);
  });
});

describe.skipIf(!needTool("tmux"))("picking and copying on a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it("an ambiguous query opens a pick list: arrows and Enter choose the entry", async () => {
    using h = await home();
    const t = await startTmux({ home: h.home, args: ["code", "git"], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/"git" matches 2 entries; pick one/);
    expect(await t.screen()).toMatch(/github +\(GitHub · github@example.com\)/);
    await t.sendKeys("Down");
    await t.sendKeys("Enter");
    const from = Date.now() - 5000;
    expect(await t.exitCode()).toBe(0);
    const [, a, b] = /^(\d{3}) (\d{3})  [█░]{10} \d+s left$/m.exec(await t.screen()) ?? [];
    expect(totpStep(GITLAB, a! + b!, from, Date.now())).toBeDefined();
  });

  it("typing in the pick list narrows it", async () => {
    using h = await home();
    const t = await startTmux({ home: h.home, shell: "otp code git | cat", env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/pick one/);
    await t.type("hub");
    await t.waitFor(/hub/);
    await t.sendKeys("Enter");
    expect(await t.exitCode()).toBe(0);
    const screen = await t.screen();
    const code = /^(\d{6})$/m.exec(screen)?.[1];
    expect(code, screen).toBeDefined();
    expect(totpStep(GITHUB, code!, Date.now() - 10_000, Date.now())).toBeDefined();
  });

  it.skipIf(!hasFaketime)("--fresh N counts down on standard error, then prints a code with N s or more left", async () => {
    using h = await otpHome([totp("slow", GITHUB, { period: 10 })]);
    // A clock that starts 8 s into a 10 s step and runs from there (faketime "@"): 2 s are left,
    // so --fresh 9 must count down to the next step. Waiting for the real clock to reach such a
    // moment cost up to 10 s more; a start-up of up to a second still leaves a countdown.
    const t = await startTmux({
      home: h.home,
      shell: `faketime -f '@2026-01-01 00:00:08' '${process.execPath}' '${OTP_BIN}' code slow --fresh 9`,
      env: { OTP_PASSWORD: "test" },
    });
    await t.waitForOutput(/otp: waiting \d s for a fresh code…/);
    expect(await t.exitCode(15_000)).toBe(0);
    const screen = await t.screen();
    const left = Number(/^\d{3} \d{3}  [█░]{10} (\d+)s left$/m.exec(screen)?.[1]);
    expect(left, screen).toBeGreaterThanOrEqual(9);
    expect(screen).not.toContain("waiting"); // the countdown line was wiped
  });

  it("--copy over SSH with no display sends the code by OSC 52, and only there", async () => {
    using h = await home();
    const t = await startTmux({
      home: h.home,
      args: ["code", "github", "--copy"],
      env: { OTP_PASSWORD: "test", SSH_TTY: "/dev/pts/0", SSH_CONNECTION: "192.0.2.1 5000 192.0.2.2 22" },
    });
    const from = Date.now();
    expect(await t.exitCode()).toBe(0);
    const log = await t.waitForOutput(/\[exit 0\]/);
    const m = /\x1b\]52;c;([A-Za-z0-9+/=]+)\x07/.exec(log);
    expect(m, JSON.stringify(log)).not.toBeNull();
    const code = Buffer.from(m![1]!, "base64").toString("utf8");
    expect(totpStep(GITHUB, code, from - 5000, Date.now())).toBeDefined();
    expect(log.replace(m![0], "")).not.toContain(code); // not printed anywhere else
    expect(await t.screen()).toMatch(/copied github's code through the terminal \(OSC 52\)/);
    expect(existsSync(join(h.home, "clipboard"))).toBe(false);
  });
});

describe.skipIf(!needTool("tmux"))("otp watch with a session (the index first)", () => {
  afterEach(killTmuxSessions);
  const many = (n: number) => Array.from({ length: n }, (_, i) => totp(`acct${String(i).padStart(3, "0")}`, newSecret()));
  const session = (h: OtpHome) => {
    const r = runOtp(["unlock", "--for", "10m"], h.env());
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim().replace(/^export OTP_SESSION=/, "");
  };

  it("draws the first frame from the index, then goes on from the whole vault: Space saves an HOTP counter", async () => {
    using h = await otpHome([hotpDraft("bank", BANK, 4), totp("github", GITHUB, { issuer: "GitHub" }), ...many(150)]);
    const from = Date.now();
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_SESSION: session(h) } });
    const first = rows(await t.waitFor(/github .*s$/m)).find((r) => r.name === "github")!;
    expect(totpStep(GITHUB, first.code, from, Date.now())).toBeDefined();
    expect(await t.screen()).toContain("of 152");
    await t.type(" "); // bank is selected first
    expect(await t.waitFor(/counter 4/)).toContain(hotp(BANK, 4).replace(/(\d{3})(\d{3})/, "$1 $2"));
    await t.type("q");
    expect(await t.exitCode()).toBe(0);
    const after = runOtp(["list", "--json"], h.env());
    expect(JSON.parse(after.stdout).find((e: { name: string }) => e.name === "bank").counter).toBe(5);
  });

  it("is exit 5 for damage in a chunk the first frame did not open, with the terminal restored", async () => {
    using h = await otpHome([totp("github", GITHUB, { issuer: "GitHub" }), ...many(150)]);
    const value = session(h);
    const bytes = readFileSync(h.vault);
    const at = bytes.indexOf('","checksum":"') - 100; // a base64 character of the last chunk
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    writeFileSync(h.vault, bytes);
    const t = await startTmux({ home: h.home, args: ["watch"], env: { OTP_SESSION: value } });
    expect(await t.exitCode()).toBe(5);
    expect(await t.screen()).toMatch(/otp: error: vault file is damaged/);
    await expectRestored(t);
  });
});
