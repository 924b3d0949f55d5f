// What ships: the product bundle (dist/otp.cjs, the one package.json's bin runs) holds none of
// the test hooks, which live only in the test bundle (scripts/build.mjs --test); and a run that
// asks for a hook without the test bundle gets nothing (the product ignores OTP_TEST_*). And
// the launcher's V8 code cache: missing, stale or garbage, otp runs the same.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OTP_TEST_BIN, ROOT, otpHome, totp } from "../helpers/otp-home.js";
import { expectOk, newSecret, sha256 } from "../helpers/e2e-util.js";
import { spawnSync } from "node:child_process";

describe("the test hooks stay out of the product", () => {
  it("dist/otp.cjs has no OTP_TEST_ name and no crash point; the test bundle has them", () => {
    const product = readFileSync(join(ROOT, "dist", "otp.cjs"), "utf8");
    expect(product).not.toMatch(/OTP_TEST_/);
    expect(product).not.toMatch(/after-snapshot|mid-write|OTP_TEST/);
    expect(readFileSync(OTP_TEST_BIN, "utf8")).toMatch(/OTP_TEST_CRASH_AT/);
  });

  it("the product run with OTP_TEST_CRASH_AT set writes as usual", async () => {
    await using h = await otpHome([totp("a", newSecret())]);
    const before = sha256(h.vault);
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "otp.cjs"), "add", "b", "--stdin"], {
      env: h.env({ OTP_TEST_CRASH_AT: "after-snapshot" }),
      input: newSecret() + "\n",
      encoding: "utf8",
    });
    expectOk({ code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr });
    expect(sha256(h.vault)).not.toBe(before);
  });
});

describe("the V8 code cache (bin/otp.cjs) is an optimisation, never a dependency", () => {
  // A copy of bin/ and dist/ inside the repository (so node_modules resolves), with the cache
  // missing, from another build, or garbage under the right build id.
  const cases: [string, (cache: Buffer, id: Buffer) => Buffer | null][] = [
    ["missing", () => null],
    ["from another build (stale)", (cache) => Buffer.concat([Buffer.alloc(32, 0x61), cache.subarray(32)])],
    ["garbage under this build's id", (_cache, id) => Buffer.concat([id, Buffer.alloc(4096, 7)])],
  ];
  for (const [what, make] of cases)
    it(`a cache ${what}: otp still runs, and gives the same code`, async () => {
      await using h = await otpHome([totp("a", "JBSWY3DPEHPK3PXP")]);
      const root = mkdtempSync(join(ROOT, "test", ".build", "cache-"));
      try {
        mkdirSync(join(root, "bin"));
        mkdirSync(join(root, "dist"));
        copyFileSync(join(ROOT, "bin", "otp.cjs"), join(root, "bin", "otp.cjs"));
        for (const f of readdirSync(join(ROOT, "dist"))) if (f.endsWith(".cjs")) copyFileSync(join(ROOT, "dist", f), join(root, "dist", f));
        const source = readFileSync(join(ROOT, "dist", "otp.cjs"), "utf8");
        const id = Buffer.from(/\/\/otp-build:([0-9a-f]{32})\s*$/.exec(source)![1]!, "latin1");
        const cache = make(readFileSync(join(ROOT, "dist", "otp.cjs.cache")), id);
        if (cache) writeFileSync(join(root, "dist", "otp.cjs.cache"), cache);
        const run = (bin: string) =>
          spawnSync(process.execPath, [bin, "code", "a", "--at", "1767268800"], { env: h.env(), encoding: "utf8" });
        const copy = run(join(root, "bin", "otp.cjs"));
        expect(copy.status, copy.stderr).toBe(0);
        expect(copy.stdout).toBe("704044\n");
        expect(copy.stdout).toBe(run(join(ROOT, "bin", "otp.cjs")).stdout);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
});
