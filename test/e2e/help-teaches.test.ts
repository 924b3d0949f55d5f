// Help that teaches, as a process: an unknown command is exit 2 with the nearest one as a hint;
// help has no colour off a terminal (tty/help-colour.test.ts checks it on one); a FILE one typo
// from a subcommand. The other hints, in process: test/cli/help-teaches.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OTP_BIN, otpHome, totp, type OtpHome, type RunResult } from "../helpers/otp-home.js";
import { expectOk, otp, waitForBuild } from "../helpers/e2e-util.js";

describe("help that teaches", () => {
  it("an unknown command suggests the nearest one (exit 2, nothing on stdout)", async () => {
    await using h = await otpHome();
    const r = otp(h, ["cod", "github"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("otp: error: unknown command 'cod'\notp: hint: did you mean `otp code`?\n");
  });

  it("help off a terminal has no escape sequences, even without NO_COLOR", async () => {
    await using h = await otpHome();
    for (const args of [["--help"], ["code", "--help"], ["watch", "--help"]]) {
      const out = expectOk(otp(h, args, { env: { NO_COLOR: undefined } }));
      expect(out).not.toContain("\x1b");
      expect(out).toContain("Examples:");
    }
  });
});

/** Runs otp in h's HOME as the working folder (a FILE argument lands there, never in the repository). */
function otpIn(h: OtpHome, args: string[]): RunResult {
  waitForBuild();
  const r = spawnSync(process.execPath, [OTP_BIN, ...args], { cwd: h.home, env: h.env(), input: "", encoding: "utf8", timeout: 30_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe("hints inside every command group", () => {
  it("`otp backup verfy`: a FILE that does not exist and is one typo from a subcommand is refused with the hint; an existing one or ./verfy is a FILE", async () => {
    await using h = await otpHome([totp("github", "JBSWY3DPEHPK3PXP")]);
    const r = otpIn(h, ["backup", "verfy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^otp: error: unknown command 'verfy' for `otp backup`\notp: hint: did you mean `otp backup verify`\?\notp: hint: to write a backup named verfy, give it as \.\/verfy\n$/,
    );
    expect(existsSync(join(h.home, "verfy"))).toBe(false);
    expectOk(otpIn(h, ["backup", "./verfy"]));
    expect(existsSync(join(h.home, "verfy"))).toBe(true);
    // now it exists: `otp backup verfy` names that file (and refuses to overwrite it without --force)
    expect(otpIn(h, ["backup", "verfy"]).stderr).not.toMatch(/did you mean/);
    expectOk(otpIn(h, ["backup", "verfy", "--force"]));
    expectOk(otpIn(h, ["backup", "verify", "verfy"]));
  });
});
