// The built CLI's `--help`, `--version` and `otp` alone (docs/testplan.md J.72): exit 0, on stdout;
// the version is package.json's. Every command's help, in process: test/cli/help.test.ts.
import { describe, expect, it } from "vitest";
import { otpHome } from "../helpers/otp-home.js";
import { COMMANDS, VERSION, expectOk, otp } from "../helpers/e2e-util.js";

describe("help and version", () => {
  it("`otp --help` as a process: usage, every command, exit 0, nothing on stderr (every command's help: test/cli/help.test.ts)", async () => {
    await using h = await otpHome();
    const r = otp(h, ["--help"]);
    const out = expectOk(r);
    expect(out).toMatch(/^Usage: otp /);
    for (const c of COMMANDS) expect(out).toMatch(new RegExp(`^  ${c}\\b`, "m"));
    expect(r.stderr).toBe("");
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
