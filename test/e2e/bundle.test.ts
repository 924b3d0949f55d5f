// What ships: the product bundle (dist/otp.cjs, the one package.json's bin runs) holds none of
// the test hooks, which live only in the test bundle (scripts/build.mjs --test); and a run that
// asks for a hook without the test bundle gets nothing (the product ignores OTP_TEST_*). And
// the launcher's V8 code cache: missing, stale or garbage, otp runs the same. And what the read
// path loads: libsodium's addon, never node:crypto; and where that addon does not load, otp runs
// on Node's crypto, and each opens what the other wrote.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OTP_BIN, OTP_TEST_BIN, ROOT, otpHome, totp } from "../helpers/otp-home.js";
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

describe("the read path's start-up (docs/startup.md)", () => {
  // What the product bundle loads for `otp code` and `otp list`, with a session and with the
  // password, seen from inside the process: Node's list of its own modules, and require's cache.
  // node:crypto costs every start ~9 ms; the vault's crypto is libsodium's addon here (a prebuilt
  // for this platform ships with sodium-native), and the codes' HMAC @noble/hashes'.
  const prebuilt = join(ROOT, "node_modules", "sodium-native", "prebuilds", `${process.platform}-${process.arch}`, "sodium-native.node");
  const hasPrebuilt = existsSync(prebuilt);
  if (!hasPrebuilt && process.env.CI === "true")
    throw new Error(`sodium-native has no prebuilt addon for ${process.platform}-${process.arch}`);
  if (!hasPrebuilt) console.warn(`skipped: sodium-native has no prebuilt addon for ${process.platform}-${process.arch}`);

  it.skipIf(!hasPrebuilt)("otp code and otp list load libsodium's addon and never node:crypto", async () => {
    await using h = await otpHome([totp("github", "JBSWY3DPEHPK3PXP"), totp("bank", newSecret())]);
    const unlock = spawnSync(process.execPath, [OTP_BIN, "unlock", "--for", "1h"], { env: h.env(), encoding: "utf8" });
    expect(unlock.status, unlock.stderr).toBe(0);
    const session = unlock.stdout.trim().replace(/^export OTP_SESSION=/, "");
    const probe = join(h.home, "probe.cjs");
    writeFileSync(
      probe,
      `process.on("exit", () => require("node:fs").writeFileSync(process.env.PROBE_OUT, JSON.stringify({ modules: process.moduleLoadList, files: Object.keys(require.cache) })));\n`,
    );
    const runs: [string, string[], Record<string, string | undefined>][] = [
      ["code, session", ["code", "github", "--at", "1767268800"], { OTP_SESSION: session, OTP_PASSWORD: undefined }],
      ["code, password", ["code", "github", "--at", "1767268800"], {}],
      ["list, session", ["list"], { OTP_SESSION: session, OTP_PASSWORD: undefined }],
    ];
    for (const [what, args, extra] of runs) {
      const out = join(h.home, "probe.json");
      const r = spawnSync(process.execPath, ["-r", probe, OTP_BIN, ...args], {
        env: h.env({ ...extra, PROBE_OUT: out }),
        encoding: "utf8",
      });
      expect(r.status, `${what}: ${r.stderr}`).toBe(0);
      if (args[0] === "code") expect(r.stdout, what).toBe("704044\n");
      const seen = JSON.parse(readFileSync(out, "utf8")) as { modules: string[]; files: string[] };
      expect(
        seen.modules.filter((m) => /^NativeModule (node:)?crypto$|internal\/crypto\//.test(m)),
        what,
      ).toEqual([]);
      expect(seen.files, what).toContain(prebuilt);
    }
  });
});

describe("where sodium-native's addon does not load (docs/packages.md)", () => {
  // A copy of bin/ and dist/ outside the repository, beside a node_modules of links to every
  // package but sodium-native: the copy then runs on Node's crypto (primitives-node.ts). A vault
  // it writes opens with libsodium's addon, and the other way round: both engines write the same
  // format, with the same bytes for the same inputs (crypto.test.ts).
  it("otp still works on Node's crypto, and each engine opens what the other wrote", async () => {
    await using h = await otpHome([totp("github", "JBSWY3DPEHPK3PXP")]);
    const root = mkdtempSync(join(tmpdir(), "otp-no-sodium-"));
    try {
      for (const dir of ["bin", "dist", "node_modules"]) mkdirSync(join(root, dir));
      copyFileSync(join(ROOT, "bin", "otp.cjs"), join(root, "bin", "otp.cjs"));
      for (const f of readdirSync(join(ROOT, "dist"))) copyFileSync(join(ROOT, "dist", f), join(root, "dist", f));
      for (const pkg of readdirSync(join(ROOT, "node_modules")))
        if (pkg !== "sodium-native" && pkg !== ".bin") symlinkSync(join(ROOT, "node_modules", pkg), join(root, "node_modules", pkg));
      const probe = join(h.home, "probe.cjs");
      writeFileSync(
        probe,
        `process.on("exit", () => require("node:fs").writeFileSync(process.env.PROBE_OUT, JSON.stringify({ modules: process.moduleLoadList, files: Object.keys(require.cache) })));\n`,
      );
      const run = (bin: string, args: string[], input?: string) => {
        const out = join(h.home, "probe.json");
        const r = spawnSync(process.execPath, ["-r", probe, bin, ...args], { env: h.env({ PROBE_OUT: out }), input, encoding: "utf8" });
        expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
        const seen = JSON.parse(readFileSync(out, "utf8")) as { modules: string[]; files: string[] };
        return {
          stdout: r.stdout,
          nodeCrypto: seen.modules.includes("NativeModule crypto"),
          sodium: seen.files.some((f) => f.includes("sodium-native")),
        };
      };
      const copy = join(root, "bin", "otp.cjs");
      // The copy reads the vault this checkout wrote, on Node's crypto.
      const a = run(copy, ["code", "github", "--at", "1767268800"]);
      expect(a).toEqual({ stdout: "704044\n", nodeCrypto: true, sodium: false });
      // It writes (a new entry: a new payload, sealed by Node's crypto)…
      expect(run(copy, ["add", "bank", "--stdin"], "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n").sodium).toBe(false);
      // …and this checkout, on libsodium, opens it; then writes, and the copy opens that.
      const b = run(OTP_BIN, ["code", "bank", "--at", "1767268800"]);
      expect(b.sodium).toBe(true);
      expect(b.stdout).toMatch(/^\d{6}\n$/);
      run(OTP_BIN, ["rm", "github", "--yes"]);
      const c = run(copy, ["list"]);
      expect(c.stdout).toBe("bank\n");
      expect(run(copy, ["code", "bank", "--at", "1767268800"]).stdout).toBe(b.stdout);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
