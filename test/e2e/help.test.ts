// `--help` for the program and every command, and `--version` (docs/testplan.md J.72): exit 0, on
// stdout, with examples; the version is package.json's.
import { describe, expect, it } from "vitest";
import { otpHome } from "../helpers/otp-home.js";
import { VERSION, expectOk, otp, otpAsync } from "../helpers/e2e-util.js";

const COMMANDS = [
  "init",
  "add",
  "code",
  "list",
  "show",
  "edit",
  "remove",
  "unlock",
  "lock",
  "export",
  "import",
  "backup",
  "restore",
  "passwd",
  "recovery",
  "recovery-key",
  "audit",
  "sync",
  "new",
  "verify",
  "watch",
  "completion",
];

describe("help and version", () => {
  it("`otp --help` and `otp -h`: usage, every command, examples, exit codes", async () => {
    await using h = await otpHome();
    for (const flag of ["--help", "-h"]) {
      const r = otp(h, [flag]);
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
    const runs = await Promise.all(COMMANDS.flatMap((c) => [otpAsync(h, [c, "--help"]), otpAsync(h, ["help", c])]));
    runs.forEach((r, i) => {
      const c = COMMANDS[Math.floor(i / 2)]!;
      const out = expectOk(r);
      expect(out, c).toMatch(new RegExp(`^Usage: otp ${c}\\b`));
      expect(out, c).toContain("Examples:");
      expect(out.slice(out.indexOf("Examples:")), c).toMatch(new RegExp(`\\botp ${c}\\b`));
      expect(r.stderr, c).toBe("");
    });
    // Aliases show their command's help.
    expect(expectOk(otp(h, ["ls", "--help"]))).toMatch(/^Usage: otp list\b/);
    expect(expectOk(otp(h, ["rm", "--help"]))).toMatch(/^Usage: otp remove\b/);
  });

  it("`otp add --help` recommends --stdin and warns about --secret", async () => {
    await using h = await otpHome();
    const out = expectOk(otp(h, ["add", "--help"]));
    expect(out).toMatch(/--stdin/);
    expect(out).toMatch(/--secret <base32>.*(visible|history)/s);
  });

  it("`--version` and `-V` print package.json's version", async () => {
    await using h = await otpHome();
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ["--version", "-V"]) {
      const r = otp(h, [flag]);
      expect(expectOk(r)).toBe(`${VERSION}\n`);
      expect(r.stderr).toBe("");
    }
  });

  it("`otp` alone off a terminal prints the usage and exits 0", async () => {
    await using h = await otpHome();
    const out = expectOk(otp(h, []));
    expect(out).toMatch(/^Usage: otp /);
    for (const c of COMMANDS) expect(out).toMatch(new RegExp(`^  ${c}\\b`, "m"));
  });
});

describe("the package", () => {
  it("package.json's bin is the launcher, and it runs (npm link and npx use it)", async () => {
    const { spawnSync } = await import("node:child_process");
    const { join } = await import("node:path");
    const { ROOT } = await import("../helpers/otp-home.js");
    const pkg = JSON.parse((await import("node:fs")).readFileSync(join(ROOT, "package.json"), "utf8"));
    const r = spawnSync(process.execPath, [join(ROOT, pkg.bin.otp), "--version"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });
});
