// Reading standard input (or a password file) with a byte cap: input that never ends
// (`< /dev/zero`) or is far larger than anything otp keeps must end in exit 2 at the cap,
// not in gigabytes of memory, a crash, or a misleading "vault file is damaged" later on.
// A line reader returns as soon as the line is in and stops reading: it never waits for the
// end of input (`(echo pw; sleep 600) | otp …` must not sleep with it).
import { constants as C, createReadStream, promises as fs } from "node:fs";
import type { Readable } from "node:stream";
import { InputError } from "../core/errors.js";
import { LINE_MAX_BYTES, sizeName } from "../core/limits.js";

/**
 * All of `stream` up to its end, refusing more than `max` bytes: reading stops at the cap
 * (the stream is destroyed) and InputError `input-too-large` names `what` and the limit.
 * Holds at most max plus one chunk.
 */
export async function readAllCapped(stream: Readable, max: number, what: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  // Leaving the for-await early (the throw) destroys the stream: nothing more is read.
  for await (const chunk of stream) {
    const c = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    total += c.length;
    if (total > max) throw tooLarge(what, max);
    chunks.push(c);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

export interface LineOptions {
  /** refuse a line longer than this many bytes (without its line ending) */
  max: number;
  what: string;
  /** the hint under a too-long line's error: what the line should hold */
  hint?: string;
  /** skip lines that hold only white space: the first line with something on it */
  skipBlank?: boolean;
  /**
   * Refuse (InputError `several-lines`, with this hint) when more non-blank text came in with
   * the line: input that clearly holds more than the one thing asked for is not cut short
   * silently. Text arriving later is not waited for, so this catches files and one-write pipes.
   */
  oneLine?: string;
  /**
   * Leave the stream usable afterwards (a terminal a later prompt reads): the rest goes
   * back with unshift() and the stream is paused. Otherwise it is destroyed.
   */
  keepOpen?: boolean;
}

/**
 * The first line of `stream` without its "\n" or "\r\n", decoded as UTF-8; "" when the input
 * ends before any (non-blank, with skipBlank) line. Resolves as soon as that line has arrived.
 * Throws InputError `input-too-large` when the line grows past opts.max bytes.
 */
export function readFirstLine(stream: Readable, opts: LineOptions): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let held = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | null, line?: string, rest?: Buffer) => {
      if (settled) return;
      settled = true;
      stream.off("data", onData).off("end", onEnd).off("error", onError);
      if (err || !opts.keepOpen) stream.destroy();
      else {
        stream.pause();
        if (rest && rest.length) stream.unshift(rest);
      }
      if (err) reject(err);
      else resolve(line!);
    };
    const onData = (chunk: Buffer | string) => {
      held = Buffer.concat([held, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
      for (;;) {
        const nl = held.indexOf(0x0a);
        if (nl < 0) break;
        const line = held.subarray(0, nl).toString("utf8").replace(/\r$/, "");
        const rest = held.subarray(nl + 1);
        if (opts.skipBlank && line.trim() === "") {
          held = rest;
          continue;
        }
        if (nl > opts.max) return finish(tooLong(opts));
        if (opts.oneLine !== undefined && rest.toString("utf8").trim() !== "")
          return finish(new InputError("several-lines", `${opts.what} holds more than one line`, [opts.oneLine]));
        return finish(null, line, rest);
      }
      // No line end yet: leading blank lines were dropped above, so all of held is one line.
      if (held.length > opts.max) finish(tooLong(opts));
    };
    const onEnd = () => {
      const line = held.toString("utf8").replace(/\r$/, "");
      finish(null, opts.skipBlank && line.trim() === "" ? "" : line);
    };
    const onError = (err: Error) => finish(err);
    stream.on("data", onData).on("end", onEnd).on("error", onError);
    stream.resume();
  });
}

/** The first line of a file (a FIFO, /dev/stdin, a regular file), capped (default 64 KiB) as readFirstLine. */
export function readFileFirstLine(path: string, opts: Omit<LineOptions, "keepOpen" | "max"> & { max?: number }): Promise<string> {
  return readFirstLine(createReadStream(path, { highWaterMark: 16 * 1024 }), { max: LINE_MAX_BYTES, ...opts });
}

/** All of a file (a FIFO, /dev/zero, a regular file), with readAllCapped's cap. */
export function readFileCapped(path: string, max: number, what: string): Promise<Uint8Array> {
  return readAllCapped(createReadStream(path), max, what);
}

function tooLarge(what: string, max: number): InputError {
  return new InputError("input-too-large", `${what} is larger than ${sizeName(max)}`);
}

function tooLong(o: LineOptions): InputError {
  return new InputError("input-too-large", `the first line of ${o.what} is longer than ${sizeName(o.max)}`, o.hint ? [o.hint] : []);
}

export interface RegularFile {
  bytes: Uint8Array;
  mtimeMs: number;
}

/**
 * A regular file of at most `max` bytes with its modification time. Opened O_NONBLOCK: a FIFO
 * or device named by mistake must not hang otp. Errno errors (ENOENT, EACCES) are thrown.
 */
export async function readRegularFile(path: string, max: number): Promise<RegularFile | "not-regular" | "too-large"> {
  const fh = await fs.open(path, C.O_RDONLY | C.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) return "not-regular";
    if (st.size > max) return "too-large";
    return { bytes: new Uint8Array(await fh.readFile()), mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}
