// Standard input has a size cap everywhere it is read: input that
// never ends (/dev/zero) or is far larger than anything otp keeps ends with exit 2 naming the
// limit, quickly, and the vault is untouched. A secret or password read stops at the first
// line: otp never waits for the end of input once it has what it needs.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OTP_BIN, otpHome, totp, type OtpHome, type RunResult } from "../helpers/otp-home.js";
import { expectFailure, expectOk, names, newSecret, otp, sha256, waitForBuild } from "../helpers/e2e-util.js";

/** `otp ARGS` with standard input read from `file` (/dev/zero: endless). Killed after 20 s. */
function otpFromFile(h: OtpHome, args: string[], file: string): RunResult {
  waitForBuild();
  const fd = openSync(file, "r");
  try {
    const r = spawnSync(process.execPath, [OTP_BIN, ...args], {
      env: h.env(),
      stdio: [fd, "pipe", "pipe"],
      encoding: "utf8",
      timeout: 20_000,
    });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

/** `otp ARGS` with `text` written to a standard input that is then left open (never EOF). */
function otpInputLeftOpen(h: OtpHome, args: string[], text: string, env: Record<string, string | undefined> = {}): Promise<RunResult> {
  waitForBuild();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [OTP_BIN, ...args], { env: h.env(env), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      child.stdin.destroy();
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.write(text);
  });
}

const GH = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const home = () => otpHome([totp("github", GH)]);

describe("endless standard input ends with exit 2 at the cap, the vault untouched", () => {
  const cases: [string, string[], RegExp][] = [
    ["add --stdin", ["add", "x", "--stdin"], /the first line of standard input is longer than 64 KiB/],
    ["add --qr -", ["add", "x", "--qr", "-"], /standard input is larger than 16 MiB/],
    ["import -", ["import", "-"], /standard input is larger than 16 MiB/],
    ["--password-file -", ["--password-file", "-", "list"], /the first line of standard input is longer than 64 KiB/],
    ["recovery add (codes on standard input)", ["recovery", "add", "github"], /standard input is larger than 64 KiB/],
  ];
  for (const [what, args, message] of cases)
    it(`${what} < /dev/zero`, async () => {
      await using h = await home();
      const before = sha256(h.vault);
      expectFailure(otpFromFile(h, args, "/dev/zero"), 2, message);
      expect(sha256(h.vault)).toBe(before);
    });

  it("--password-file /dev/zero, and recovery add --file /dev/zero", async () => {
    await using h = await home();
    const before = sha256(h.vault);
    expectFailure(
      otp(h, ["--password-file", "/dev/zero", "list"], { password: false }),
      2,
      "the first line of the password file /dev/zero is longer than 64 KiB",
    );
    expectFailure(otp(h, ["recovery", "add", "github", "--file", "/dev/zero"]), 2, "/dev/zero is larger than 64 KiB");
    expect(sha256(h.vault)).toBe(before);
  });
});

describe("large standard input", () => {
  it("20 MB of A on add --stdin is an input error (exit 2), not a damaged vault", async () => {
    await using h = await home();
    const before = sha256(h.vault);
    const big = join(h.home, "big");
    writeFileSync(big, "A".repeat(20_000_000));
    expectFailure(otpFromFile(h, ["add", "x", "--stdin"], big), 2, "longer than 64 KiB");
    expect(sha256(h.vault)).toBe(before);
  });

  it("import - refuses more than 16 MiB, as it refuses a file of that size", async () => {
    await using h = await home();
    const before = sha256(h.vault);
    const uri = `otpauth://totp/x?secret=${GH}\n`;
    const big = join(h.home, "big.txt");
    writeFileSync(big, uri.repeat(Math.ceil((16 * 1024 * 1024 + 1) / uri.length)));
    expectFailure(otpFromFile(h, ["import", "-"], big), 2, "standard input is larger than 16 MiB");
    expectFailure(otp(h, ["import", big]), 2, "is larger than 16 MiB");
    expect(sha256(h.vault)).toBe(before);
  });
});

describe("a secret or password read stops at the first line", () => {
  it("--password-file - does not wait for the end of input", async () => {
    await using h = await home();
    const r = await otpInputLeftOpen(h, ["--password-file", "-", "list"], "test\nnot read\n", { OTP_PASSWORD: undefined });
    expect(names(expectOk(r))).toEqual(["github"]);
  });

  it("add --stdin does not wait for the end of input", async () => {
    await using h = await home();
    const r = await otpInputLeftOpen(h, ["add", "new", "--stdin"], `${newSecret()}\n`);
    expectOk(r);
    expect(names(expectOk(otp(h, ["list"])))).toEqual(["github", "new"]);
  });

  it("add --stdin skips blank lines before the secret, and refuses a second line that came with it", async () => {
    await using h = await home();
    const s = newSecret();
    expectOk(otp(h, ["add", "blank-first", "--stdin"], { input: `\n \r\n${s}\r\n\n` }));
    const before = sha256(h.vault);
    const t = newSecret();
    expectFailure(
      otp(h, ["add", "two", "--stdin"], { input: `${t.slice(0, 16)}\n${t.slice(16)}\n` }),
      2,
      "standard input holds more than one line",
      [t],
    );
    expect(sha256(h.vault)).toBe(before);
  });
});
