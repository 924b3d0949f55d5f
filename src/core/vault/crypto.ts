// The vault's symmetric crypto, on native primitives so that a cold `otp code` pays no JIT
// warm-up (pure-JS BLAKE2b took ~12 ms for the first 2 KB and ~200 ms for 3 MB): libsodium's own
// where its addon loads, else Node's (primitives.ts says which and why):
// - XChaCha20-Poly1305-IETF, libsodium's crypto_aead_xchacha20poly1305_ietf;
// - BLAKE2b-512 (libsodium's crypto_generichash with 64 bytes out);
// - HMAC (RFC 2104) over native SHA-256 and SHA-512, for the codes (core/otp.ts), and
//   HKDF-SHA256 (RFC 5869) for subkeys of the master key, written here over native SHA-256:
//   neither engine's HKDF is cheap to reach (sodium-native has none; node:crypto costs ~9 ms to
//   load, and @noble/hashes' cold JavaScript ~2 ms for one subkey).
// test/unit/core/vault/crypto.test.ts checks every one, on both engines, against libsodium's
// WASM build, and HKDF against RFC 5869's vectors and Node's hkdfSync. Argon2id lives in kdf.ts.
import { primitives } from "./primitives.js";

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const WRAPPED_BYTES = KEY_BYTES + TAG_BYTES;

const utf8 = new TextEncoder();

export function randomBytes(n: number): Uint8Array {
  return primitives().randomBytes(n);
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

/**
 * A plain Uint8Array view of a Buffer, without copying. Core code returns these, never Buffers:
 * Buffer#slice makes a view where Uint8Array#slice copies, so `key = plain.slice(…); wipe(plain)`
 * would wipe the key too.
 */
export function asBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function textBytes(s: string): Uint8Array {
  return utf8.encode(s);
}

/** Unkeyed BLAKE2b-512 of the parts, concatenated (libsodium's crypto_generichash, 64 bytes out). */
export function blake2b512(...parts: Uint8Array[]): Uint8Array {
  return primitives().blake2b512(parts);
}

/** Whether a and b hold the same bytes, in time that does not depend on where they differ (for macs and keys). */
export function equalSecret(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && primitives().timingSafeEqual(a, b);
}

/** SHA-256 of the parts, concatenated. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  return primitives().sha256(parts);
}

/** SHA-512 of the parts, concatenated. */
export function sha512(...parts: Uint8Array[]): Uint8Array {
  return primitives().sha512(parts);
}

/** A hash function of parts, and the size of its block in bytes (HMAC's padding length). */
export interface HmacHash {
  hash: (parts: Uint8Array[]) => Uint8Array;
  blockBytes: number;
}

export const SHA256: HmacHash = { hash: (parts) => sha256(...parts), blockBytes: 64 };
export const SHA512: HmacHash = { hash: (parts) => sha512(...parts), blockBytes: 128 };

/** HMAC (RFC 2104) over `h` of the parts, concatenated. */
export function hmac(h: HmacHash, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const long = key.length > h.blockBytes ? h.hash([key]) : null; // a key longer than the block is hashed first
  const k0 = long ?? key;
  const inner = new Uint8Array(h.blockBytes);
  const outer = new Uint8Array(h.blockBytes);
  for (let i = 0; i < h.blockBytes; i++) {
    const k = i < k0.length ? k0[i]! : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  const ih = h.hash([inner, ...parts]);
  const mac = h.hash([outer, ih]);
  wipe(inner, outer, ih, long);
  return mac;
}

/** HMAC-SHA256 of the parts, concatenated. */
export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  return hmac(SHA256, key, ...parts);
}

/** HKDF-SHA256 (RFC 5869): `length` bytes of output keying material. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * 32) throw new RangeError("hkdfSha256: bad length");
  const prk = hmacSha256(salt.length ? salt : new Uint8Array(32), ikm);
  const okm = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, at = 0; at < length; i++) {
    const next = hmacSha256(prk, t, info, Uint8Array.of(i));
    wipe(t);
    t = next;
    okm.set(t.subarray(0, length - at), at);
    at += t.length;
  }
  wipe(prk, t);
  return okm;
}

/** A 32-byte subkey of the master key for one purpose: HKDF-SHA256, info "otpvault/v1/<purpose>". */
export function deriveSubkey(masterKey: Uint8Array, purpose: string): Uint8Array {
  return hkdfSha256(masterKey, new Uint8Array(0), textBytes(`otpvault/v1/${purpose}`), 32);
}

function checkLengths(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== KEY_BYTES || nonce.length !== NONCE_BYTES) throw new RangeError("xchacha20: bad key or nonce length");
}

/** XChaCha20-Poly1305 (IETF): ciphertext ‖ 16-byte tag, as libsodium's crypto_aead_xchacha20poly1305_ietf_encrypt. */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  checkLengths(key, nonce);
  return primitives().xchachaSeal(key, nonce, plaintext, ad);
}

/** The inverse of seal; null when authentication fails (wrong key or edited bytes). */
export function open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  checkLengths(key, nonce);
  if (ciphertext.length < TAG_BYTES) return null;
  return primitives().xchachaOpen(key, nonce, ciphertext, ad);
}

/**
 * XChaCha20-Poly1305 for the numbered segments of one payload (format.ts, minor 3): segment j
 * uses `nonce` with j (64-bit little-endian) XORed into its last 8 bytes. seal/open are
 * seal()/open() of that nonce; call wipe() when done (the cipher keeps a copy of the key).
 */
export function segmentCipher(key: Uint8Array, nonce: Uint8Array) {
  checkLengths(key, nonce);
  const k = new Uint8Array(key); // copies (Buffer#slice would not)
  const nonceOf = (j: number): Uint8Array => {
    const n = new Uint8Array(nonce);
    const v = new DataView(n.buffer);
    v.setUint32(16, (v.getUint32(16, true) ^ (j % 0x100000000)) >>> 0, true);
    v.setUint32(20, (v.getUint32(20, true) ^ Math.floor(j / 0x100000000)) >>> 0, true);
    return n;
  };
  return {
    seal: (j: number, plaintext: Uint8Array, ad: Uint8Array): Uint8Array => seal(k, nonceOf(j), plaintext, ad),
    open: (j: number, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null => open(k, nonceOf(j), ciphertext, ad),
    wipe(): void {
      k.fill(0);
    },
  };
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

/** Which engine the primitives come from in this process (primitives.ts). */
export function cryptoEngine(): "libsodium" | "node" {
  return primitives().engine;
}
