// Bundles src/cli/main.ts into dist/ with esbuild. One ESM bundle for the start-up path
// (commander, otpauth, the vault reader), one chunk per lazily imported command, and the
// heavy packages left external so they load from node_modules only when a command needs them.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { "cli/main": "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  minifySyntax: true,
  legalComments: "none",
  define: { OTP_VERSION: JSON.stringify(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version) },
  // commander calls require("node:events"); an ESM bundle needs a real require for that.
  banner: { js: 'import { createRequire as __otpCreateRequire } from "node:module"; const require = __otpCreateRequire(import.meta.url);' },
  external: ["libsodium-wrappers-sumo", "@inquirer/prompts", "qrcode-terminal", "proper-lockfile", "sharp", "jsqr", "clipboardy"],
  logLevel: "warning",
});
