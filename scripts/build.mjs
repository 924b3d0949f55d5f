// Bundles the CLI with esbuild into one CommonJS file, dist/otp.cjs, behind the CommonJS
// launcher bin/otp.cjs. Why CommonJS: on Node 20 an ESM entry costs ~10 ms of start-up
// that `otp code` cannot afford (see bench/). Our own code, commander, otpauth and @noble
// are inside; the heavy packages stay external and load with import() only in the commands
// that need them (libsodium for a KDF, inquirer for a prompt, …).
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes("node_modules/commander/") ? { path: new URL("./lazy-child-process.cjs", import.meta.url).pathname } : undefined,
    );
  },
};

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/otp.cjs",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  define: { OTP_VERSION: JSON.stringify(pkg.version) },
  // keep import() of externals as real dynamic imports: @inquirer/prompts is ESM-only.
  supported: { "dynamic-import": true },
  external: ["libsodium-wrappers-sumo", "@inquirer/prompts", "qrcode-terminal", "proper-lockfile", "sharp", "jsqr", "clipboardy"],
  logLevel: "warning",
  logOverride: { "empty-import-meta": "silent" },
  plugins: [lazyChildProcess],
});
