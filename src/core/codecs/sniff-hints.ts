// What to tell the user about an input no codec recognised, when its shape says more than
// "not a format otp can import": JSON that does not parse (cut short?), an encrypted export
// that carries no marker of its app. Never quotes the content.
import type { ImportSource } from "./types.js";

export function shapeHint(src: ImportSource): string | null {
  const b = src.bytes;
  const first = b.findIndex((x) => x > 0x20);
  if (first < 0) return "the file is empty";
  const c = b[first]!;
  if (c === 0x7b || c === 0x5b) {
    try {
      JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b));
      return "this JSON is not an export otp recognises";
    } catch {
      return "this looks like JSON but does not parse: is the file complete (damaged or truncated)?";
    }
  }
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b) return "this ZIP file is not an export otp recognises";
  return null;
}
