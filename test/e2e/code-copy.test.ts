// `otp code --copy`, `--next` and `--fresh` of the built CLI. The clipboard here is a fake
// `xsel` first on PATH that keeps the clipboard in a file and logs its argv and environment,
// so the tests see exactly what the tool got (the real X11 clipboard is test/e2e/clipboard-x11).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, hotpRef, newSecret, otp, totpRef, totpWindow } from "../helpers/e2e-util.js";

/** A fake xsel in HOME/fakebin: --input saves stdin, --output prints it, --clear empties it. */
function fakeXsel(h: OtpHome): { PATH: string; board: string; log: string } {
  const bin = join(h.home, "fakebin");
  mkdirSync(bin, { recursive: true });
  const board = join(h.home, "clipboard");
  const log = join(h.home, "xsel.log");
  writeFileSync(
    join(bin, "xsel"),
    `#!/bin/sh
echo "argv: $*" >> '${log}'
env | grep '^OTP_' >> '${log}'
case "$*" in
  *--input*) cat > '${board}' ;;
  *--output*) cat '${board}' 2>/dev/null ;;
  *--clear*) : > '${board}' ;;
esac
`,
  );
  chmodSync(join(bin, "xsel"), 0o755);
  return { PATH: `${bin}:${process.env.PATH}`, board, log };
}

async function until(check: () => boolean, timeoutMs = 8000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe("otp code --copy", () => {
  it("puts only the code on the clipboard, prints nothing on stdout, and no secret reaches the tool", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const x = fakeXsel(h);
    const before = Date.now();
    const r = otp(h, ["code", "github", "--copy"], { env: { PATH: x.PATH, DISPLAY: ":99", OTP_SESSION: "not-for-children" } });
    expect(expectOk(r)).toBe("");
    expect(r.stderr).toMatch(/^otp: copied github's code to the clipboard; it clears in 20 s/);
    const copied = readFileSync(x.board, "utf8");
    expect(totpWindow(before, Date.now(), (t) => totpRef(s, t))).toContain(copied);
    expect(r.stderr).not.toContain(copied);
    const log = readFileSync(x.log, "utf8");
    expect(log).toContain("argv: --clipboard --input");
    expect(log).not.toContain(copied); // never in argv
    expect(log).not.toMatch(/^OTP_/m); // no OTP_PASSWORD / OTP_SESSION for children
  });

  it("--clear-after 1 clears it once the time is up; a clipboard changed meanwhile is left alone", async () => {
    await using h = await otpHome([totp("github", newSecret()), totp("gitlab", newSecret())]);
    const x = fakeXsel(h);
    const env = { PATH: x.PATH, DISPLAY: ":99" };
    expectOk(otp(h, ["code", "github", "--copy", "--clear-after", "1"], { env }));
    expect(readFileSync(x.board, "utf8")).toMatch(/^\d{6}$/);
    expect(await until(() => readFileSync(x.board, "utf8") === "")).toBe(true);

    expectOk(otp(h, ["code", "gitlab", "--copy", "--clear-after", "1"], { env }));
    writeFileSync(x.board, "something the user copied");
    // the helper reads the clipboard once its second is up: wait for that --output, then a moment
    expect(await until(() => (readFileSync(x.log, "utf8").match(/--output/g) ?? []).length >= 2)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(x.board, "utf8")).toBe("something the user copied");
  });

  it("no display and not over SSH: exit 1 `clipboard unavailable`, nothing on stdout, the HOTP counter unmoved", async () => {
    const s = newSecret();
    await using h = await otpHome([hotp("bank", s, 7)]);
    const r = otp(h, ["code", "bank", "--copy"]);
    expectFailure(r, 1, "clipboard unavailable", [s]);
    expect(r.stderr).toMatch(/no display/);
    expect(expectOk(otp(h, ["code", "bank"]))).toBe(hotpRef(s, 7) + "\n");
  });

  it("a display but no xsel or xclip: exit 1 naming what to install", async () => {
    await using h = await otpHome([totp("github", newSecret())]);
    const r = otp(h, ["code", "github", "--copy"], { env: { PATH: join(h.home, "empty"), DISPLAY: ":99" } });
    expectFailure(r, 1, "xsel or xclip not installed");
    expect(r.stderr).toMatch(/hint: install xsel or xclip/);
  });

  it("refuses --copy with --json, and --clear-after without --copy (exit 2)", async () => {
    await using h = await otpHome([totp("github", newSecret())]);
    expectFailure(otp(h, ["code", "github", "--copy", "--json"]), 2, "do not go together");
    expectFailure(otp(h, ["code", "github", "--clear-after", "5"]), 2, "only with --copy");
  });
});

describe("otp code --next and --fresh", () => {
  it("--next prints the code of the next period", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    expect(expectOk(otp(h, ["code", "github", "--next", "--at", "59"]))).toBe(totpRef(s, 60_000) + "\n");
    const before = Date.now();
    const out = expectOk(otp(h, ["code", "github", "--next"])).trim();
    expect(totpWindow(before + 30_000, Date.now() + 30_000, (t) => totpRef(s, t))).toContain(out);
    const j = JSON.parse(expectOk(otp(h, ["code", "github", "--next", "--json", "--at", "50"])));
    expect(j).toMatchObject({ code: totpRef(s, 60_000), startsIn: 10, remaining: 40 });
  });

  it("--fresh N never prints a code with under N seconds left (waits for the next one)", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("fast", s, { period: 3 })]);
    // With a 3 s period and --fresh 2, two runs in three must wait: every printed code still has ≥ 2 s.
    for (let i = 0; i < 3; i++) {
      const r = otp(h, ["code", "fast", "--fresh", "2", "--json"]);
      const after = Date.now();
      const j = JSON.parse(expectOk(r));
      expect(j.remaining).toBeGreaterThanOrEqual(2);
      expect(totpWindow(after - 1000, after, (t) => totpRef(s, t, { period: 3 }))).toContain(j.code);
      if (r.stderr) expect(r.stderr).toMatch(/^otp: waiting \d s for a fresh code\n$/);
    }
  });

  it("--fresh must be under the period; --next and --fresh do not apply to HOTP", async () => {
    await using h = await otpHome([totp("github", newSecret()), hotp("bank", newSecret())]);
    expectFailure(otp(h, ["code", "github", "--fresh", "30"]), 2, "under the entry's period");
    expectFailure(otp(h, ["code", "bank", "--next"]), 2, "time-based");
    expectFailure(otp(h, ["code", "github", "--next", "--fresh", "3"]), 2, "do not go together");
  });
});

describe("otp watch off a terminal", () => {
  it("refuses with exit 2 and points at otp code", async () => {
    await using h = await otpHome([totp("github", newSecret())]);
    const r = otp(h, ["watch"]);
    expectFailure(r, 2, "needs a terminal");
    expect(r.stderr).toMatch(/hint: .*otp code/);
    expect(existsSync(h.vault)).toBe(true);
  });
});
