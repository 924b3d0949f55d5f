// Help that teaches, in process: a mistyped command, subcommand or option gets the nearest one
// as a hint; a missing argument gets the usage line and an example. As a process, with FILE
// arguments and without colour off a terminal: test/e2e/help-teaches.test.ts.
import { describe, expect, it } from "vitest";
import { otpHome } from "../helpers/otp-home.js";
import { expectOk } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

describe("help that teaches", () => {
  it("an unknown command suggests the nearest one (exit 2, nothing on stdout)", async () => {
    await using h = await otpHome();
    const r = await otp(h, ["cod", "github"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("otp: error: unknown command 'cod'\notp: hint: did you mean `otp code`?\n");
    expect((await otp(h, ["wach"])).stderr).toMatch(/did you mean `otp watch`\?/);
    expect((await otp(h, ["completoin"])).stderr).toMatch(/did you mean `otp completion`\?/);
    expect((await otp(h, ["zzzzzz"])).stderr).toBe("otp: error: unknown command 'zzzzzz'\notp: hint: `otp --help` lists the commands\n");
  });

  it("an unknown option suggests the nearest one", async () => {
    await using h = await otpHome();
    const r = await otp(h, ["code", "github", "--cpy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("otp: error: unknown option '--cpy'\notp: hint: did you mean --copy?\n");
  });
});

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
      const r = await otp(h, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr, args.join(" ")).toContain(`otp: hint: did you mean ${hint}?\n`);
      expect(r.stderr).not.toMatch(/too many arguments|`otp (use|new|status|verify|bash)`/);
      expect(r.stderr.split("\n")[0]).toMatch(/^otp: error: /);
    }
  });

  it("nothing near: the group's own --help is named", async () => {
    await using h = await otpHome();
    expect((await otp(h, ["recovery", "zzzzzz"])).stderr).toBe(
      "otp: error: unknown command 'zzzzzz'\notp: hint: `otp recovery --help` lists its commands\n",
    );
    const r = await otp(h, ["sync", "zzzzzz"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("otp: error: unknown command 'zzzzzz' for `otp sync`\notp: hint: `otp sync --help` lists its commands\n");
  });

  it("a missing argument prints the usage line and one example", async () => {
    await using h = await otpHome();
    const r = await otp(h, ["code"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "otp: error: missing required argument 'query'\notp: hint: usage: otp code [options] <query>\notp: hint: for example: otp code github\n",
    );
    expect((await otp(h, ["recovery", "use"])).stderr).toBe(
      "otp: error: missing required argument 'query'\notp: hint: usage: otp recovery use [options] <query>\notp: hint: for example: otp recovery use github\n",
    );
    expect((await otp(h, ["verify", "example-test"])).stderr).toMatch(
      /^otp: error: missing required argument 'code'\notp: hint: usage: otp verify \[options\] <query> <code>\notp: hint: for example: otp verify example-test 123456 && echo ok\n$/,
    );
    expect((await otp(h, ["backup", "verify"])).stderr).toMatch(
      /hint: usage: otp backup verify \[options\] <file>\notp: hint: for example: otp backup verify otp-backup-2026-05-01\.otp\n$/,
    );
  });

  it("the examples of `otp --help` are one to a line, each description apart in a column of its own", async () => {
    await using h = await otpHome();
    const out = expectOk(await otp(h, ["--help"]));
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
