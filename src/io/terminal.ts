// Cheap terminal facts and stdout writes for the start-up path. node:tty pulls in node:net
// (~5 ms) and process.stdout builds a stream, so: fstat first (a pipe or file is never a
// terminal; only a character device needs tty.isatty), and small writes go straight to the fd.
import { fstatSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { OtpError } from "../core/errors.js";

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

let streamUsed = false;

/** Whether writeStdout had to use process.stdout (whose writes may still be pending). */
export function stdoutStreamUsed(): boolean {
  return streamUsed;
}

/** Writes text to stdout; falls back to the stream if the fd is non-blocking and full. */
export function writeStdout(text: string): void {
  const buf = Buffer.from(text, "utf8");
  let at = 0;
  try {
    while (at < buf.length) at += writeSync(1, buf, at);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // The reader went away (`otp list | head -1`): stop quietly, as other tools do.
    if (code === "EPIPE") throw new OtpError("broken-pipe", "standard output was closed");
    if (code !== "EAGAIN") throw err;
    streamUsed = true;
    process.stdout.write(buf.subarray(at));
  }
}
