// Base32 secrets (RFC 4648 alphabet, no padding): normalising what people paste, checking it,
// and converting to and from bytes. Messages name positions, never the secret or its characters.
import { InputError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** What people put inside secrets for readability: any whitespace and hyphens. */
const SEPARATOR = /[\s-]/u;
/** Base32 of whole bytes never leaves 1, 3 or 6 characters in its last block of 8. */
const IMPOSSIBLE_TAIL = new Set([1, 3, 6]);

function invalid(reason: string): InputError {
  return new InputError("invalid-secret", reason);
}

/**
 * Normalises a pasted base32 secret: drops whitespace (spaces, tabs, newlines, …), hyphens and
 * trailing `=` padding, and upper-cases the rest. Non-zero unused bits in the last character are
 * accepted (Google Authenticator and otpauth accept them).
 * Throws InputError `invalid-secret` when nothing is left, when a character is not A–Z or 2–7
 * (the message gives its 1-based position in `input`, never the character), or when the length
 * cannot come from whole bytes.
 */
export function normaliseSecret(input: string): string {
  const chars = Array.from(input); // code points, so positions match what the user sees
  let end = chars.length;
  while (end > 0 && (chars[end - 1] === "=" || SEPARATOR.test(chars[end - 1]!))) end--;
  let out = "";
  for (let i = 0; i < end; i++) {
    const c = chars[i]!;
    if (SEPARATOR.test(c)) continue;
    // ASCII only: "ı".toUpperCase() is "I", and that must not pass as base32
    if (!/^[A-Za-z2-7]$/.test(c)) throw invalid(`secret is not base32: character ${i + 1} is not one of A–Z, 2–7`);
    out += c.toUpperCase();
  }
  if (out.length === 0) throw invalid("secret is empty");
  if (IMPOSSIBLE_TAIL.has(out.length % 8)) throw invalid("secret has an impossible base32 length");
  return out;
}

/**
 * Decodes a normalised secret (see normaliseSecret) into its key bytes; leftover bits that do
 * not fill a byte are dropped. Throws InputError `invalid-secret` on a character outside the
 * alphabet (position only).
 */
export function decodeBase32(normalised: string): Uint8Array {
  const out = new Uint8Array(Math.floor((normalised.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (let i = 0; i < normalised.length; i++) {
    const v = ALPHABET.indexOf(normalised.charAt(i));
    if (v < 0) throw invalid(`secret is not base32: character ${i + 1} is not one of A–Z, 2–7`);
    value = ((value << 5) | v) & 0xffff; // at most 12 live bits: keep the number small
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >>> bits) & 0xff;
    }
  }
  return out;
}

/** Encodes bytes as base32 (RFC 4648 alphabet, upper case, no padding). Never throws. */
export function encodeBase32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET.charAt((value >>> bits) & 31);
    }
  }
  if (bits > 0) out += ALPHABET.charAt((value << (5 - bits)) & 31);
  return out;
}

/** Number of key bits in a normalised secret: decoded bytes × 8. Never throws. */
export function secretBits(normalised: string): number {
  return Math.floor((normalised.length * 5) / 8) * 8;
}

/**
 * True when both secrets decode to the same key bytes (so `jbsw y3dp` equals `JBSWY3DP`, and
 * spellings that differ only in unused trailing bits are equal). False when either is invalid;
 * never throws.
 */
export function sameSecret(a: string, b: string): boolean {
  let x: Uint8Array;
  let y: Uint8Array;
  try {
    x = decodeBase32(normaliseSecret(a));
    y = decodeBase32(normaliseSecret(b));
  } catch {
    return false;
  }
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
