// Cheap terminal facts and stdout writes for the start-up path. node:tty pulls in node:net
// (~5 ms) and process.stdout builds a stream, so: fstat first (a pipe or file is never a
// terminal; only a character device needs tty.isatty), and small writes go straight to the fd.
import { fstatSync, writeSync } from "node:fs";
import { createRequire } from "node:module";

// In the CommonJS bundle `require` exists; under vitest (ESM) make one.
const load: NodeJS.Require = typeof require === "function" ? require : createRequire(import.meta.url);

export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (load("node:tty") as typeof import("node:tty")).isatty(fd);
}

/** Writes text to stdout; falls back to the stream if the fd is non-blocking and full. */
export function writeStdout(text: string): void {
  const buf = Buffer.from(text, "utf8");
  let at = 0;
  try {
    while (at < buf.length) at += writeSync(1, buf, at);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
    process.stdout.write(buf.subarray(at));
  }
}
