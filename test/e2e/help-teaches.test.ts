// Help that teaches: a mistyped command or option gets the nearest one as a hint, and help has
// no colour off a terminal (tty/help-colour.test.ts checks it on one).
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
    expect(otp(h, ["wach"]).stderr).toMatch(/did you mean `otp watch`\?/);
    expect(otp(h, ["completoin"]).stderr).toMatch(/did you mean `otp completion`\?/);
    expect(otp(h, ["zzzzzz"]).stderr).toBe("otp: error: unknown command 'zzzzzz'\notp: hint: `otp --help` lists the commands\n");
  });

  it("an unknown option suggests the nearest one", async () => {
    await using h = await otpHome();
    const r = otp(h, ["code", "github", "--cpy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("otp: error: unknown option '--cpy'\notp: hint: did you mean --copy?\n");
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
  it("a mistyped subcommand gets the nearest one of its own group, with the group's name", async () => {
    await using h = await otpHome();
    const cases: [string[], string][] = [
      [["recovery", "uses", "github"], "`otp recovery use`"],
      [["recovery-key", "neww"], "`otp recovery-key new`"],
      [["sync", "stauts"], "`otp sync status`"],
      [["sync", "innit", "/tmp/x.git"], "`otp sync init`"],
      [["backup", "verfy", "x"], "`otp backup verify`"],
      [["completion", "bsh"], "`otp completion bash`"],
    ];
    for (const [args, hint] of cases) {
      const r = otpIn(h, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr, args.join(" ")).toContain(`otp: hint: did you mean ${hint}?\n`);
      expect(r.stderr).not.toMatch(/too many arguments|`otp (use|new|status|verify|bash)`/);
      expect(r.stderr.split("\n")[0]).toMatch(/^otp: error: /);
    }
  });

  it("nothing near: the group's own --help is named", async () => {
    await using h = await otpHome();
    expect(otpIn(h, ["recovery", "zzzzzz"]).stderr).toBe(
      "otp: error: unknown command 'zzzzzz'\notp: hint: `otp recovery --help` lists its commands\n",
    );
    const r = otpIn(h, ["sync", "zzzzzz"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("otp: error: unknown command 'zzzzzz' for `otp sync`\notp: hint: `otp sync --help` lists its commands\n");
  });

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

  it("a missing argument prints the usage line and one example", async () => {
    await using h = await otpHome();
    const r = otpIn(h, ["code"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "otp: error: missing required argument 'query'\notp: hint: usage: otp code [options] <query>\notp: hint: for example: otp code github\n",
    );
    expect(otpIn(h, ["recovery", "use"]).stderr).toBe(
      "otp: error: missing required argument 'query'\notp: hint: usage: otp recovery use [options] <query>\notp: hint: for example: otp recovery use github\n",
    );
    expect(otpIn(h, ["verify", "example-test"]).stderr).toMatch(
      /^otp: error: missing required argument 'code'\notp: hint: usage: otp verify \[options\] <query> <code>\notp: hint: for example: otp verify example-test 123456 && echo ok\n$/,
    );
    expect(otpIn(h, ["backup", "verify"]).stderr).toMatch(
      /hint: usage: otp backup verify \[options\] <file>\notp: hint: for example: otp backup verify otp-backup-2026-05-01\.otp\n$/,
    );
  });

  it("the examples of `otp --help` are one to a line, each description apart in a column of its own", async () => {
    await using h = await otpHome();
    const out = expectOk(otp(h, ["--help"]));
    const block = out
      .slice(out.indexOf("Examples:\n") + "Examples:\n".length)
      .split("\n\n")[0]!
      .split("\n");
    expect(block.length).toBeGreaterThanOrEqual(5);
    const columns = new Set<number>();
    for (const line of block) {
      const m = /^  (\S.*?\S)( {3,})(\S.*)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![1], line).toMatch(/^(otp |eval )/);
      expect(m![1], line).not.toMatch(/ {2}/);
      expect(line.length, line).toBeLessThanOrEqual(80);
      columns.add(line.length - m![3]!.length);
    }
    expect(columns.size).toBe(1);
  });
});
