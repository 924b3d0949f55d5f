// Every exit code in the README, each with its stable error phrase (docs/testplan.md "Exit codes and error kinds"), through the
// built CLI. Every failure also keeps the §8 invariants (see expectFailure): stdout empty,
// stderr starting `otp: error:`, no stack trace, no secret. Exit 4's session cases live in
// session.test.ts, exit 5's damage sweeps in test/cli/damage-sweeps.test.ts, exit 1 `busy` (a 12 s wait) in process
// with a fake clock in test/cli/lock-waits.test.ts, exit 2's cases one by one in test/cli/exit-2.test.ts.
import { chmodSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp } from "../helpers/otp-home.js";
import {
  expectFailure,
  expectOk,
  newSecret,
  otp,
  otpNullStdin,
  sha256,
  sleep,
  spawnOtp,
  tmpFilesUnder,
  totpRef,
  totpWindow,
} from "../helpers/e2e-util.js";
import { holdVaultLock, vaultLockHeld } from "../helpers/vault-lock.js";

const S1 = newSecret();
const S2 = newSecret();
const S3 = newSecret();
const SECRETS = [S1, S2, S3];
const entries = () => [totp("github", S1), totp("gitlab", S2), hotp("bank", S3, 7)];

describe("exit 0", () => {
  it("`otp code` prints the code on stdout and nothing on stderr", async () => {
    await using h = await otpHome(entries());
    const before = Date.now();
    const r = otp(h, ["code", "github"]);
    const out = expectOk(r);
    expect(totpWindow(before, Date.now(), (t) => totpRef(S1, t)).map((c) => c + "\n")).toContain(out);
    expect(r.stderr).toBe("");
  });
});

describe("exit 1: failed", () => {
  it("no vault: says to run `otp init`", async () => {
    await using h = await otpHome();
    const r = otp(h, ["list"]);
    expectFailure(r, 1, "no vault");
    expect(r.stderr).toContain("otp init");
  });
});

describe("exit 1: unsafe permissions", () => {
  it("a vault others can write is refused (exit 1); one others can read works with a warning", async () => {
    await using h = await otpHome(entries());
    chmodSync(h.vault, 0o666);
    const sum = sha256(h.vault);
    expectFailure(otp(h, ["code", "github"]), 1, "permissions too open", SECRETS);
    expectFailure(otp(h, ["add", "x", "--stdin"], { input: newSecret() }), 1, "permissions too open", SECRETS);
    expect(sha256(h.vault)).toBe(sum);
    chmodSync(h.vault, 0o644);
    const r = otp(h, ["code", "github"]);
    expect(expectOk(r)).toMatch(/^\d{6}\n$/);
    expect(r.stderr).toMatch(/warning: permissions too open/);
    chmodSync(h.vault, 0o600);
    chmodSync(dirname(h.vault), 0o777);
    expectFailure(otp(h, ["list"]), 1, "permissions too open", SECRETS);
  });
});

describe("exit 2: usage or invalid input", () => {
  it("unknown command", async () => {
    await using h = await otpHome(entries());
    expectFailure(otp(h, ["frobnicate"]), 2, "unknown command");
  });

  it("unknown flag on the program", async () => {
    await using h = await otpHome(entries());
    expectFailure(otp(h, ["--bogus"]), 2, "unknown option");
  });

  // Commander errors raised by a command (not the program) must map to exit 2 and the
  // `otp: error:` prefix too.
  it("unknown flag on a command", async () => {
    await using h = await otpHome(entries());
    expectFailure(otp(h, ["list", "--bogus"]), 2, "unknown option");
    expectFailure(otp(h, ["code", "github", "--bogus"]), 2, "unknown option");
  });
});

describe("exit 3: no entry, or several", () => {
  it("no match", async () => {
    await using h = await otpHome(entries());
    expectFailure(otp(h, ["code", "nothing-like-it"]), 3, "no entry matches", SECRETS);
    expectFailure(otp(h, ["show", "zzz"]), 3, "no entry matches", SECRETS);
    expectFailure(otp(h, ["list", "zzz"]), 3, "no entry matches", SECRETS);
  });

  it("an ambiguous query off a terminal lists both candidates on stderr", async () => {
    await using h = await otpHome(entries());
    const r = otp(h, ["code", "git"]);
    expectFailure(r, 3, "matches 2 entries", SECRETS);
    const lines = r.stderr.split("\n");
    expect(lines).toContain("  github");
    expect(lines).toContain("  gitlab");
    expect(lines).not.toContain("  bank");
  });
});

describe("exit 4: cannot unlock", () => {
  it("wrong password; the vault untouched", async () => {
    await using h = await otpHome(entries());
    const sum = sha256(h.vault);
    expectFailure(otp(h, ["code", "github"], { env: { OTP_PASSWORD: "not-the-password" } }), 4, "wrong password", [
      ...SECRETS,
      "not-the-password",
    ]);
    expectFailure(otp(h, ["add", "x", "--stdin"], { input: newSecret(), env: { OTP_PASSWORD: "nope" } }), 4, "wrong password", SECRETS);
    expectFailure(otp(h, ["code", "bank"], { env: { OTP_PASSWORD: "nope" } }), 4, "wrong password", SECRETS);
    expect(sha256(h.vault)).toBe(sum);
  });

  it("no password source off a terminal (stdin </dev/null): fails at once and says how to give one", async () => {
    await using h = await otpHome(entries());
    const t0 = Date.now();
    const r = otpNullStdin(h, ["code", "github"], { password: false });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expectFailure(r, 4, "no password given", SECRETS);
    expect(r.stderr).toMatch(/OTP_PASSWORD|--password-file/);
    // A pipe that is not a terminal either.
    expectFailure(otp(h, ["list"], { password: false }), 4, "no password given", SECRETS);
  });

  it("an unreadable --password-file", async () => {
    await using h = await otpHome(entries());
    expectFailure(otp(h, ["--password-file", `${h.home}/missing`, "list"], { password: false }), 4, "password file", SECRETS);
  });
});

describe("exit 5: damaged vault", () => {
  it("a vault that is not an otp vault at all", async () => {
    await using h = await otpHome(entries());
    writeFileSync(h.vault, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n", { mode: 0o600 });
    const sum = sha256(h.vault);
    const r = otp(h, ["list"]);
    expectFailure(r, 5, "not an otp vault");
    expect(r.stderr).toContain("otp import");
    expect(sha256(h.vault)).toBe(sum);
  });
});

describe("exit 130: interrupted (and 143 for SIGTERM)", () => {
  for (const [sig, exit] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${sig} while otp waits for a held lock: exit ${exit}, \`otp: interrupted\`, nothing written, the lock left to its holder`, async () => {
      await using h = await otpHome(entries());
      const release = await holdVaultLock(h.vault);
      const sum = sha256(h.vault);
      // An 80-bit secret makes `add` warn once its signal handlers are in place, before the lock.
      const short = newSecret(10);
      const { child, done, stderrSoFar } = spawnOtp(h, ["add", "late", "--stdin"], { input: short });
      const until = Date.now() + 10_000;
      while (!stderrSoFar().includes("80 bits") && Date.now() < until) await sleep(20);
      expect(stderrSoFar()).toContain("80 bits");
      await sleep(1_000); // past the (cheap) KDF: now in the lock's retry loop
      expect(child.exitCode, "still waiting for the lock").toBeNull();
      const t0 = Date.now();
      child.kill(sig);
      const r = await done;
      expect(Date.now() - t0, "exits promptly").toBeLessThan(3_000);
      expectFailure(r, exit, "interrupted", [...SECRETS, short], { warningsFirst: true });
      expect(r.stderr.trimEnd().split("\n").at(-1)).toBe("otp: interrupted");
      expect(sha256(h.vault)).toBe(sum);
      expect(tmpFilesUnder(dirname(h.vault))).toEqual([]);
      expect(vaultLockHeld(h.vault), "the lock is still its holder's").toBe(true);
      release();
    });
  }
});
