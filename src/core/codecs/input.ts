// Reading a whole input: its text, its JSON (parsed once per input), JSON inside it, and the
// one-line error for a file that cannot be the format it looks like (exit 2).
import { InputError } from "../errors.js";
import type { ImportSource } from "./types.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A file that cannot be this format, as a one-line InputError (exit 2). */
export function damaged(src: ImportSource, what: string, detail: string): InputError {
  return new InputError("invalid-file", `${src.name}: ${detail}; is it a complete ${what}?`, [
    "a damaged or truncated file cannot be imported: export it again from the app",
  ]);
}

/** JSON of the whole input, or undefined when it is not JSON (never throws). Cached per input. */
const jsonCache = new WeakMap<Uint8Array, { v: unknown }>();
export function jsonOf(src: ImportSource): unknown {
  const hit = jsonCache.get(src.bytes);
  if (hit) return hit.v;
  let v: unknown;
  try {
    const first = src.bytes.findIndex((b) => b > 0x20);
    const c = first < 0 ? 0 : src.bytes[first]!;
    // only text that starts like a JSON object or array (or a BOM) is parsed
    v = c === 0x7b || c === 0x5b || c === 0xef ? JSON.parse(strictUtf8.decode(src.bytes).replace(/^\uFEFF/, "")) : undefined;
  } catch {
    v = undefined;
  }
  jsonCache.set(src.bytes, { v });
  return v;
}

/** JSON text inside a file (a string field, decrypted bytes): parsed, or a damaged-file error. */
export function parseJson(text: string, src: ImportSource, what: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw damaged(src, what, "its content is not valid JSON");
  }
}

/** The text of a file, or InputError when it is not UTF-8. */
export function textOf(src: ImportSource, what: string): string {
  try {
    return strictUtf8.decode(src.bytes).replace(/^\uFEFF/, "");
  } catch {
    throw damaged(src, what, "it is not UTF-8 text");
  }
}

/** The text of decrypted bytes if it is UTF-8 JSON, else undefined (a wrong CBC key gives garbage). */
export function jsonText(b: Uint8Array): unknown {
  try {
    return JSON.parse(strictUtf8.decode(b));
  } catch {
    return undefined;
  }
}
