// `otp unlock` / `otp lock` (docs/threat-model.md "Sessions" and docs/testplan.md L): one `export OTP_SESSION=…`
// line, later commands without a password, private session files that hold nothing in the
// clear, and exit 4 once the session is locked, expired or forged.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvelope } from "../../src/core/vault/format.js";
import { unlockWithPassword } from "../../src/core/vault/vault.js";
import { OTP_BIN, TEST_PASSWORD, hotp, otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { needTool } from "../helpers/tools.js";
import {
  expectFailure,
  expectNoSecret,
  expectOk,
  hotpRef,
  modeOf,
  names,
  newSecret,
  otp,
  otpNullStdin,
  sleep,
  totpRef,
  totpWindow,
} from "../helpers/e2e-util.js";

/** Runs `otp unlock ARGS`, checks its stdout is the one export line, returns the value. */
function unlock(h: OtpHome, args: string[] = []): string {
  const r = otp(h, ["unlock", ...args]);
  const out = expectOk(r);
  expect(out).toMatch(/^export OTP_SESSION=\S+\n$/);
  expect(out.split("\n")).toHaveLength(2);
  const value = out.slice("export OTP_SESSION=".length).trim();
  expect(r.stderr).not.toContain(value);
  return value;
}

const sessionDir = (h: OtpHome) => join(h.home, "run", "otp");
const sessionFiles = (h: OtpHome) => readdirSync(sessionDir(h)).filter((f) => f.endsWith(".session"));
/** Runs with the session only: no OTP_PASSWORD, stdin on /dev/null (no prompt possible). */
const withSession = (h: OtpHome, value: string, args: string[]) => otpNullStdin(h, args, { password: false, env: { OTP_SESSION: value } });

describe("otp unlock", () => {
  it("prints one export line; with OTP_SESSION and no password `code`, `list` and `add` work", async () => {
    const [s, sh] = [newSecret(), newSecret()];
    await using h = await otpHome([totp("github", s), hotp("bank", sh, 9)]);
    const value = unlock(h, ["--for", "5m"]);
    const before = Date.now();
    const out = expectOk(withSession(h, value, ["code", "github"]));
    expect(totpWindow(before, Date.now(), (t) => totpRef(s, t)).map((c) => c + "\n")).toContain(out);
    expect(expectOk(withSession(h, value, ["code", "bank"]))).toBe(hotpRef(sh, 9) + "\n");
    const added = newSecret();
    const r = otp(h, ["add", "new", "--stdin"], { password: false, env: { OTP_SESSION: value }, input: added });
    expectOk(r);
    expect(names(expectOk(withSession(h, value, ["list"])))).toEqual(["github", "bank", "new"]);
    // The same without a session fails: the password really was not needed.
    expectFailure(otpNullStdin(h, ["list"], { password: false }), 4, "no password given");
  });

  it("session files: 0600 in a 0700 folder under $XDG_RUNTIME_DIR/otp, holding neither the secret nor the master key", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const value = unlock(h);
    unlock(h, ["--for", "1h"]);
    expect(modeOf(sessionDir(h))).toBe(0o700);
    const files = sessionFiles(h);
    expect(files).toHaveLength(2);
    const { envelope } = parseEnvelope(readFileSync(h.vault));
    const master = Buffer.from(await unlockWithPassword(envelope, TEST_PASSWORD));
    const key = Buffer.from(value.split(".")[1]!, "base64url");
    expect(key.length).toBe(32);
    for (const f of files) {
      const path = join(sessionDir(h), f);
      expect(modeOf(path), f).toBe(0o600);
      const bytes = readFileSync(path);
      for (const needle of [master, key]) {
        expect(bytes.indexOf(needle), `${f}: raw key`).toBe(-1);
        const text = bytes.toString("latin1");
        expect(text.toLowerCase()).not.toContain(needle.toString("hex"));
        expect(text).not.toContain(needle.toString("base64").slice(0, 40));
        expect(text).not.toContain(needle.toString("base64url").slice(0, 40));
      }
      expectNoSecret(bytes.toString("latin1"), s);
      expect(bytes.toString("latin1")).not.toContain(TEST_PASSWORD);
    }
  });

  it("`otp lock` ends every session: exit 4, session files gone", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const v1 = unlock(h);
    const v2 = unlock(h);
    expectOk(withSession(h, v1, ["code", "github"]));
    const r = otp(h, ["lock"], { password: false });
    expect(expectOk(r)).toBe("");
    expect(r.stderr).toMatch(/ended 2 sessions/);
    expect(sessionFiles(h)).toEqual([]);
    for (const v of [v1, v2]) expectFailure(withSession(h, v, ["code", "github"]), 4, "session has ended", [s]);
  });

  it("a forged or mangled OTP_SESSION: exit 4 `not a valid session`", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const value = unlock(h);
    const [name, key] = value.split(".") as [string, string];
    const flipped = key.slice(0, 10) + (key[10] === "A" ? "B" : "A") + key.slice(11);
    expectFailure(withSession(h, `${name}.${flipped}`, ["code", "github"]), 4, "not a valid session", [s]);
    expectFailure(withSession(h, "garbage", ["code", "github"]), 4, "not a valid session", [s]);
    // A session of another vault.
    await using other = await otpHome([totp("x", newSecret())]);
    const foreign = unlock(other);
    expectFailure(withSession(h, foreign, ["code", "github"]), 4, "not a valid session", [s]);
    // The real one still works.
    expectOk(withSession(h, value, ["code", "github"]));
  });
});

describe.skipIf(!needTool("faketime"))("a session's time is real time", () => {
  it("a clock set back cannot stretch a session: --for 1s has ended 1.3 s later even when the wall clock says an hour less", async () => {
    await using h = await otpHome([totp("a", newSecret())]);
    const value = unlock(h, ["--for", "1s"]);
    await sleep(1_300);
    const r = spawnSync("faketime", ["-f", "-1h", process.execPath, OTP_BIN, "list"], {
      env: h.env({ OTP_SESSION: value }, { password: false }),
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    expectFailure({ code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }, 4, "the session has expired");
  });
});

describe("a vault restored into another home", () => {
  /** Home A with a vault, and home B holding a byte copy of it; both use A's session folder ($XDG_RUNTIME_DIR). */
  async function twoHomes() {
    const a = await otpHome([totp("github", newSecret())]);
    const b = await otpHome();
    mkdirSync(dirname(b.vault), { recursive: true, mode: 0o700 });
    copyFileSync(a.vault, b.vault);
    const runtime = join(a.home, "run");
    const inB = (args: string[], extra: Record<string, string | undefined> = {}, password = true) =>
      otpNullStdin(b, args, { password, env: { XDG_RUNTIME_DIR: runtime, ...extra } });
    return {
      a,
      b,
      inB,
      [Symbol.asyncDispose]: async () => {
        a[Symbol.dispose]();
        b[Symbol.dispose]();
      },
    };
  }

  it("`otp passwd` there ends only its own sessions; the original's go on working", async () => {
    await using t = await twoHomes();
    const mine = [unlock(t.a), unlock(t.a)];
    const out = t.inB(["unlock"]);
    const theirs = expectOk(out)
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    const pw = join(t.b.home, "new-password");
    writeFileSync(pw, "a new and long password for the copy\n");
    const r = t.inB(["passwd", "--new-password-file", pw]);
    expectOk(r);
    expect(r.stderr).toMatch(/ended 1 session\b/);
    for (const value of mine) expectOk(withSession(t.a, value, ["list"]));
    expectFailure(t.inB(["list"], { OTP_SESSION: theirs }, false), 4, "session");
  });

  it("a session of one neither opens the other nor is ended by its `otp lock`", async () => {
    await using t = await twoHomes();
    const mine = unlock(t.a);
    expectFailure(t.inB(["list"], { OTP_SESSION: mine }, false), 4, "another file of this vault");
    const locked = t.inB(["lock"]);
    expectOk(locked);
    expect(locked.stderr).toMatch(/no session was open/);
    expect(names(expectOk(withSession(t.a, mine, ["list"])))).toEqual(["github"]);
    expectOk(otp(t.a, ["lock"]));
    expectFailure(withSession(t.a, mine, ["list"]), 4, "session");
  });

  it("a backup is a copy, not a vault file: the session of its vault opens it (restore after the vault is lost)", async () => {
    await using t = await twoHomes();
    const mine = unlock(t.a);
    const backup = join(t.a.home, "b.otp");
    expectOk(otp(t.a, ["backup", backup]));
    rmSync(t.a.vault);
    const r = withSession(t.a, mine, ["restore", backup]);
    expectOk(r);
    expect(names(expectOk(otp(t.a, ["list"])))).toEqual(["github"]);
  });
});
