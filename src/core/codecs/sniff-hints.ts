// What to tell the user about an input no codec recognised, when its shape says more than
// "not a format otp can import": JSON that does not parse (cut short?), an encrypted export
// that carries no marker of its app. Never quotes the content.
import type { ImportSource } from "./types.js";

export function shapeHint(src: ImportSource): string | null {
  const b = src.bytes;
  const first = b.findIndex((x) => x > 0x20);
  // Empty or blank: the URI list reads it as holding nothing, and import says "nothing to import".
  if (first < 0) return null;
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
  if (!isText(b)) return "not a format otp recognises by its content (encrypted andOTP backups carry no marker: try --format andotp)";
  if (/^[A-Za-z0-9+/=\s]{24,}$/.test(new TextDecoder().decode(b.subarray(0, 4096))))
    return "this is bare base64, which otp cannot recognise (a TOTP Authenticator backup? try --format totp-authenticator)";
  return null;
}

/** Valid UTF-8 with no NUL byte. */
export function isText(b: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return !b.includes(0);
  } catch {
    return false;
  }
}
