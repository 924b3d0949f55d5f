// Bundles the CLI with esbuild into one CommonJS file, dist/otp.cjs, behind the CommonJS
// launcher bin/otp.cjs. Why CommonJS: on Node 20 an ESM entry costs ~10 ms of start-up
// that `otp code` cannot afford (see bench/). Our own code, commander, otpauth and @noble
// are inside; the heavy packages stay external and load with import() only in the commands
// that need them (libsodium for a KDF, inquirer for a prompt, zxcvbn-ts for a new password, …).
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes("node_modules/commander/")
        ? { path: new URL("./lazy-child-process.cjs", import.meta.url).pathname }
        : undefined,
    );
  },
};

// `--test` builds only the test bundle, test/.build/otp-test.cjs: the same CLI with its test
// hooks compiled in (OTP_TEST_HOOKS: crash points, a damaged backup), which the product bundle
// never contains: there the define is false and the minifier drops the hooks, names and all.
const testBuild = process.argv.includes("--test");
// bin/otp.cjs calls the bundle with these, in this order.
const LAUNCHER_PARAMS = "exports, require, module, __filename, __dirname, __otpImport";

// Stamped into the bundle's last line and the code cache's first 32 bytes: the launcher uses
// the cache only when both say the same build.
const buildId = (await import("node:crypto")).randomBytes(16).toString("hex");
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const outdir = testBuild ? "test/.build" : "dist";
const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: ["src/cli/main.ts"],
  outfile: `${outdir}/${testBuild ? "otp-test" : "otp"}.cjs`,
  // The product bundle is already the function bin/otp.cjs compiles (Module.wrap's parameters
  // plus __otpImport): the launcher hands the file's text to V8 as it is, without building a
  // second 360 KB string around it (that copy cost a young-generation GC: ~4 ms of `otp code`).
  // The test bundle stays an ordinary CommonJS file: the tests run it with node directly.
  ...(testBuild ? {} : { banner: { js: `(function (${LAUNCHER_PARAMS}) {` } }),
  footer: { js: `${testBuild ? "" : "\n})"}//otp-build:${buildId}` },
  define: { OTP_VERSION: JSON.stringify(pkg.version), OTP_TEST_HOOKS: String(testBuild) },
  // keep import() of externals as real dynamic imports: @inquirer/prompts is ESM-only.
  supported: { "dynamic-import": true },
  external: [
    "libsodium-wrappers-sumo",
    "@node-rs/argon2",
    "@inquirer/prompts",
    "@inquirer/core",
    "sharp",
    "jsqr",
    "sql.js",
    "adm-zip",
    "qrcode",
    "protobufjs",
    "@zxcvbn-ts/core",
    "@zxcvbn-ts/language-common",
  ],
  logOverride: { "empty-import-meta": "silent" },
  plugins: [lazyChildProcess],
});
// bin/otp.cjs reads the bundle as latin1, which is its text only while every byte is ASCII
// (esbuild's default charset escapes the rest).
if (!testBuild && readFileSync(`${outdir}/otp.cjs`).some((b) => b > 0x7f)) throw new Error("build: dist/otp.cjs is not ASCII");

// The programs otp starts in a thread or process of their own (src/io/programs/), beside the bundle.
await build({
  ...common,
  entryPoints: ["src/io/programs/spinner-worker.ts", "src/io/programs/clipboard-clearer.ts"],
  outdir,
  outExtension: { ".js": ".cjs" },
});

if (testBuild) process.exit(0);

// `npx otp` in a clone runs node_modules/.bin/otp, which npm never links for the package's
// own bin: link it here (only in a clone with node_modules, never over something else).
{
  const { existsSync, lstatSync, symlinkSync } = await import("node:fs");
  const binDir = new URL("../node_modules/.bin/", import.meta.url).pathname;
  const link = binDir + "otp";
  let present = false;
  try {
    lstatSync(link);
    present = true;
  } catch {}
  if (existsSync(binDir) && !present) symlinkSync("../../bin/otp.cjs", link);
}

// The V8 code cache for bin/otp.cjs: made by running `otp code` for real on a throw-away
// vault, so the functions that path compiles are in it. Costs ~2 s of build (four KDFs).
const { spawnSync } = await import("node:child_process");
const { mkdtempSync, rmSync: rm } = await import("node:fs");
const { tmpdir } = await import("node:os");
const { join } = await import("node:path");
const launcher = new URL("../bin/otp.cjs", import.meta.url).pathname;
const cacheFile = new URL("../dist/otp.cjs.cache", import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), "otp-build-"));
try {
  rm(cacheFile, { force: true });
  const env = { PATH: process.env.PATH, HOME: home, XDG_RUNTIME_DIR: home, OTP_PASSWORD: "build-cache" };
  const otp = (args, extra = {}, input = "") => {
    const r = spawnSync(process.execPath, [launcher, ...args], { env: { ...env, ...extra }, input, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`build: otp ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  };
  otp(["init"]);
  otp(["add", "example", "--stdin"], {}, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n");
  const session = otp(["unlock"])
    .trim()
    .replace(/^export OTP_SESSION=/, "");
  // Two runs, the second starting from the cache the first wrote, so the cache holds both paths:
  // with a session, then with the password (the KDF's loader, the whole-file check and open).
  // Functions missing from the cache are compiled from source when first called: the union cache
  // (~4% bigger) saved the password path 1.3–1.6 ms and cost the session path 0.4–0.8 ms
  // (medians and quartiles of 50 interleaved runs each).
  otp(["code", "example"], { OTP_PASSWORD: "", OTP_SESSION: session, OTP_BUILD_CODE_CACHE: cacheFile });
  otp(["code", "example"], { OTP_BUILD_CODE_CACHE: cacheFile });
} catch (err) {
  // The CLI works without the cache, only slower to start: say so, don't fail the install.
  process.stderr.write(`build: no code cache (${err.message.split("\n")[0]})\n`);
  rm(cacheFile, { force: true });
} finally {
  rm(home, { recursive: true, force: true });
}
