// The vault's symmetric crypto: XChaCha20-Poly1305 and BLAKE2b from @noble (pure JS, loads
// in a few ms, byte-for-byte what libsodium produces; test/unit/core/vault/crypto.test.ts
// checks that against libsodium). Argon2id lives in kdf.ts, which loads libsodium only
// when a password must be stretched, so `otp code` in a session never pays for the WASM.
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { blake2b } from "@noble/hashes/blake2.js";

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const WRAPPED_BYTES = KEY_BYTES + TAG_BYTES;

const utf8 = new TextEncoder();

export function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function textBytes(s: string): Uint8Array {
  return utf8.encode(s);
}

/** Unkeyed BLAKE2b-256 (libsodium's crypto_generichash with 32 bytes out). */
export function blake2b256(msg: Uint8Array, key?: Uint8Array): Uint8Array {
  return blake2b(msg, { dkLen: 32, ...(key ? { key } : {}) });
}

/**
 * libsodium's crypto_kdf_derive_from_key(32, subkeyId, context, masterKey): BLAKE2b keyed
 * with the master key, salt = subkeyId as 8 little-endian bytes, personal = the 8-byte context.
 */
export function deriveSubkey(masterKey: Uint8Array, subkeyId: number, context = "otpvault"): Uint8Array {
  const salt = new Uint8Array(16);
  new DataView(salt.buffer).setBigUint64(0, BigInt(subkeyId), true);
  const personalization = new Uint8Array(16);
  personalization.set(utf8.encode(context).subarray(0, 8));
  return blake2b(new Uint8Array(0), { dkLen: 32, key: masterKey, salt, personalization });
}

/** XChaCha20-Poly1305 (IETF), as libsodium's crypto_aead_xchacha20poly1305_ietf_encrypt. */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  return xchacha20poly1305(key, nonce, ad).encrypt(plaintext);
}

/** The inverse of seal; returns null when authentication fails (wrong key or edited bytes). */
export function open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  if (ciphertext.length < TAG_BYTES) return null;
  try {
    return xchacha20poly1305(key, nonce, ad).decrypt(ciphertext);
  } catch {
    return null;
  }
}

/** ISO/IEC 7816-4 padding to a multiple of `block` bytes, as libsodium's sodium_pad. */
export function pad(data: Uint8Array, block = 1024): Uint8Array {
  const out = new Uint8Array((Math.floor(data.length / block) + 1) * block);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Removes pad()'s padding; null when the padding is malformed. */
export function unpad(data: Uint8Array, block = 1024): Uint8Array | null {
  if (data.length === 0 || data.length % block !== 0) return null;
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80 || data.length - i > block) return null;
  return data.subarray(0, i);
}

/** Overwrites key material we no longer need (best effort in a garbage-collected runtime). */
export function wipe(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) b?.fill(0);
}
