// The vault's symmetric crypto, on Node's native primitives so that a cold `otp code` pays
// no JIT warm-up (pure-JS BLAKE2b took ~12 ms for the first 2 KB and ~200 ms for 3 MB):
// - XChaCha20-Poly1305 = HChaCha20 (from @noble/ciphers) + native ChaCha20-Poly1305, the
//   construction of draft-irtf-cfrg-xchacha and libsodium's crypto_aead_xchacha20poly1305_ietf;
// - BLAKE2b-512, native (libsodium's crypto_generichash with 64 bytes out);
// - HKDF-SHA256, native, for subkeys of the master key.
// test/unit/core/vault/crypto.test.ts checks every one against libsodium. Argon2id lives in
// kdf.ts, which loads libsodium only when a password must be stretched.
import { createCipheriv, createDecipheriv, createHash, hkdfSync } from "node:crypto";
import { hchacha } from "@noble/ciphers/chacha.js";

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
  const h = createHash("blake2b512");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** A 32-byte subkey of the master key for one purpose: HKDF-SHA256, info "otpvault/v1/<purpose>". */
export function deriveSubkey(masterKey: Uint8Array, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", masterKey, new Uint8Array(0), `otpvault/v1/${purpose}`, 32));
}

// "expand 32-byte k", the ChaCha constant, as little-endian words.
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

/** XChaCha20's subkey and the native cipher's 12-byte nonce (4 zero bytes ‖ nonce[16..24]). */
function xchachaParams(key: Uint8Array, nonce: Uint8Array): { subkey: Buffer; nonce12: Buffer } {
  if (key.length !== KEY_BYTES || nonce.length !== NONCE_BYTES) throw new RangeError("xchacha20: bad key or nonce length");
  const k = new Uint32Array(8);
  const n = new Uint32Array(4);
  const kv = new DataView(key.buffer, key.byteOffset, 32);
  const nv = new DataView(nonce.buffer, nonce.byteOffset, 16);
  for (let i = 0; i < 8; i++) k[i] = kv.getUint32(i * 4, true);
  for (let i = 0; i < 4; i++) n[i] = nv.getUint32(i * 4, true);
  const out = new Uint32Array(8);
  hchacha(SIGMA, k, n, out);
  const subkey = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) subkey.writeUInt32LE(out[i]!, i * 4);
  k.fill(0);
  out.fill(0);
  const nonce12 = Buffer.alloc(12);
  nonce12.set(nonce.subarray(16, 24), 4);
  return { subkey, nonce12 };
}

/** XChaCha20-Poly1305 (IETF): ciphertext ‖ 16-byte tag, as libsodium's crypto_aead_xchacha20poly1305_ietf_encrypt. */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const { subkey, nonce12 } = xchachaParams(key, nonce);
  const c = createCipheriv("chacha20-poly1305", subkey, nonce12, { authTagLength: TAG_BYTES });
  c.setAAD(ad, { plaintextLength: plaintext.length });
  const out = concatBytes(c.update(plaintext), c.final(), c.getAuthTag());
  subkey.fill(0);
  return out;
}

/** The inverse of seal; null when authentication fails (wrong key or edited bytes). */
export function open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  if (ciphertext.length < TAG_BYTES) return null;
  const { subkey, nonce12 } = xchachaParams(key, nonce);
  const body = ciphertext.subarray(0, ciphertext.length - TAG_BYTES);
  try {
    const d = createDecipheriv("chacha20-poly1305", subkey, nonce12, { authTagLength: TAG_BYTES });
    d.setAAD(ad, { plaintextLength: body.length });
    d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
    const out = d.update(body);
    const rest = d.final(); // throws when the tag does not match
    return rest.length === 0 ? asBytes(out) : concatBytes(out, rest);
  } catch {
    return null;
  } finally {
    subkey.fill(0);
  }
}

/**
 * XChaCha20-Poly1305 for the numbered segments of one payload (format.ts, minor 3): segment j
 * uses `nonce` with j (64-bit little-endian) XORed into its last 8 bytes, so all segments share
 * one HChaCha20 subkey and differ in the native cipher's nonce. seal/open are seal()/open() of
 * that nonce; call wipe() when done.
 */
export function segmentCipher(key: Uint8Array, nonce: Uint8Array) {
  const { subkey, nonce12 } = xchachaParams(key, nonce);
  const nonceOf = (j: number): Buffer => {
    const n = Buffer.from(nonce12);
    n.writeUInt32LE((n.readUInt32LE(4) ^ (j % 0x100000000)) >>> 0, 4);
    n.writeUInt32LE((n.readUInt32LE(8) ^ Math.floor(j / 0x100000000)) >>> 0, 8);
    return n;
  };
  return {
    seal(j: number, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
      const c = createCipheriv("chacha20-poly1305", subkey, nonceOf(j), { authTagLength: TAG_BYTES });
      c.setAAD(ad, { plaintextLength: plaintext.length });
      return concatBytes(c.update(plaintext), c.final(), c.getAuthTag());
    },
    open(j: number, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
      if (ciphertext.length < TAG_BYTES) return null;
      const body = ciphertext.subarray(0, ciphertext.length - TAG_BYTES);
      try {
        const d = createDecipheriv("chacha20-poly1305", subkey, nonceOf(j), { authTagLength: TAG_BYTES });
        d.setAAD(ad, { plaintextLength: body.length });
        d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
        const out = d.update(body);
        const rest = d.final();
        return rest.length === 0 ? asBytes(out) : concatBytes(out, rest);
      } catch {
        return null;
      }
    },
    wipe(): void {
      subkey.fill(0);
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
