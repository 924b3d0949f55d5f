// Where the small programs otp starts in a process or thread of their own live: beside the
// bundle (dist/<name>.cjs, built from src/io/programs/<name>.ts by scripts/build.mjs). Under
// vitest, which runs the sources, the built ones in dist/ are used.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

declare const __filename: string | undefined;

export function programPath(name: "spinner-worker" | "clipboard-clearer"): string {
  const here =
    typeof __filename === "string" && __filename.endsWith(".cjs")
      ? dirname(__filename)
      : join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "dist");
  return join(here, `${name}.cjs`);
}
