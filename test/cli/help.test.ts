// `--help` for the program and every command (docs/testplan.md J.72), in process: exit 0, on
// stdout, with examples. The built CLI's own help, `--version` and `otp` alone: test/e2e/help.test.ts.
import { describe, expect, it } from "vitest";
import { otpHome } from "../helpers/otp-home.js";
import { COMMANDS, expectOk } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

describe("help", () => {
  it("`otp --help` and `otp -h`: usage, every command, examples, exit codes", async () => {
    await using h = await otpHome();
    for (const flag of ["--help", "-h"]) {
      const r = await otp(h, [flag]);
      const out = expectOk(r);
      expect(out).toMatch(/^Usage: otp /);
      expect(out).toContain("Examples:");
      expect(out).toMatch(/Exit codes: 0 done, 1 failed, 2 .*\n?.*130 interrupted/);
      for (const c of COMMANDS) expect(out).toMatch(new RegExp(`^  ${c}\\b`, "m"));
      expect(r.stderr).toBe("");
    }
  });

  it("`otp COMMAND --help` for every command: exit 0 with examples; `otp help COMMAND` too", async () => {
    await using h = await otpHome();
    const runs = await Promise.all(COMMANDS.flatMap((c) => [otp(h, [c, "--help"]), otp(h, ["help", c])]));
    runs.forEach((r, i) => {
      const c = COMMANDS[Math.floor(i / 2)]!;
      const out = expectOk(r);
      expect(out, c).toMatch(new RegExp(`^Usage: otp ${c}\\b`));
      expect(out, c).toContain("Examples:");
      expect(out.slice(out.indexOf("Examples:")), c).toMatch(new RegExp(`\\botp ${c}\\b`));
      expect(r.stderr, c).toBe("");
    });
    // Aliases show their command's help.
    expect(expectOk(await otp(h, ["ls", "--help"]))).toMatch(/^Usage: otp list\b/);
    expect(expectOk(await otp(h, ["rm", "--help"]))).toMatch(/^Usage: otp remove\b/);
  });

  it("`otp add --help` recommends --stdin and warns about --secret", async () => {
    await using h = await otpHome();
    const out = expectOk(await otp(h, ["add", "--help"]));
    expect(out).toMatch(/--stdin/);
    expect(out).toMatch(/--secret <base32>.*(visible|history)/s);
  });
});
