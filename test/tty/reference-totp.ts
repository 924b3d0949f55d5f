// An independent TOTP (RFC 6238 over RFC 4226, SHA-1, 6 digits, 30 s) on node:crypto, so the
// TTY tests check otp's codes against something that shares none of its code.
import { createHmac } from "node:crypto";

function base32(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function hotp(secret: string, counter: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", base32(secret)).update(msg).digest();
  const at = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/**
 * The TOTP step (counter) whose code is `code`, looking at the steps from one before
 * `fromMs` to one after `toMs` (now or the neighbouring 30 s step); undefined if none.
 */
export function totpStep(secret: string, code: string, fromMs: number, toMs: number): number | undefined {
  for (let c = Math.floor(fromMs / 30_000) - 1; c <= Math.floor(toMs / 30_000) + 1; c++) if (hotp(secret, c) === code) return c;
  return undefined;
}
