// The AES modes encrypted exports use (GCM, CBC), as "opens or not": a wrong password is
// undefined, never an exception, so the password loop can ask again.
import { createDecipheriv } from "node:crypto";

/** AES-GCM (128/256 by key length) with the tag after the ciphertext; undefined when it does not authenticate. */
export function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  try {
    const d = createDecipheriv(key.length === 16 ? "aes-128-gcm" : "aes-256-gcm", key, nonce);
    if (aad) d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]));
  } catch {
    return undefined;
  }
}

/**
 * AES-256-CBC with PKCS#7. "bad-length" when the ciphertext is not whole blocks (the file is
 * cut); undefined when the padding is wrong (almost always a wrong password).
 */
export function aesCbcOpen(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined | "bad-length" {
  if (data.length === 0 || data.length % 16 !== 0) return "bad-length";
  try {
    const d = createDecipheriv("aes-256-cbc", key, iv);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch {
    return undefined;
  }
}
