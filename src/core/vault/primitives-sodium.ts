// libsodium's own primitives, from sodium-native (holepunchto; MIT; prebuilt addons for Linux
// x64/arm64 glibc, macOS, Windows, no install script). The addon is loaded straight from the
// package's prebuilds folder (core/load.ts requireAddon), as fs-native-extensions is
// (src/io/native-fs.ts): its own loader (require-addon) resolves through a chain of packages and
// costs far more than the ~2 ms the addon takes. null where this platform has no prebuild, or it
// does not load: primitives.ts then uses Node's crypto.
import { requireAddon } from "../load.js";
import type { Primitives } from "./primitives.js";

/** The few functions of sodium-native used here (its README documents each). */
interface SodiumNative {
  crypto_aead_xchacha20poly1305_ietf_encrypt(
    c: Uint8Array,
    m: Uint8Array,
    ad: Uint8Array | null,
    nsec: null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  /** throws when the tag does not match */
  crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: Uint8Array,
    nsec: null,
    c: Uint8Array,
    ad: Uint8Array | null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  crypto_generichash_batch(out: Uint8Array, parts: readonly Uint8Array[]): void;
  crypto_hash_sha256(out: Uint8Array, data: Uint8Array): void;
  crypto_hash_sha512(out: Uint8Array, data: Uint8Array): void;
  randombytes_buf(buf: Uint8Array): void;
  /** true when equal (libsodium's sodium_memcmp is 0); throws unless the lengths are equal */
  sodium_memcmp(a: Uint8Array, b: Uint8Array): boolean;
}

const TAG = 16;

function load(): SodiumNative | null {
  try {
    return requireAddon<SodiumNative>("sodium-native", `prebuilds/${process.platform}-${process.arch}/sodium-native.node`);
  } catch {
    return null;
  }
}

/** A hash of parts, concatenated (and wiped after: HMAC's parts hold a key), by a one-shot hash. */
function oneShot(hash: (out: Uint8Array, data: Uint8Array) => void, bytes: number): (parts: readonly Uint8Array[]) => Uint8Array {
  return (parts) => {
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const out = new Uint8Array(bytes);
    hash(out, data);
    if (data !== parts[0]) data.fill(0);
    return out;
  };
}

/** libsodium's primitives, or null where its addon does not load. */
export function sodiumPrimitives(): Primitives | null {
  const s = load();
  if (!s) return null;
  return {
    engine: "libsodium",
    xchachaSeal(key, nonce, plaintext, ad) {
      const out = new Uint8Array(plaintext.length + TAG);
      s.crypto_aead_xchacha20poly1305_ietf_encrypt(out, plaintext, ad, null, nonce, key);
      return out;
    },
    xchachaOpen(key, nonce, ciphertext, ad) {
      const out = new Uint8Array(ciphertext.length - TAG);
      try {
        s.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, ciphertext, ad, nonce, key);
        return out;
      } catch {
        return null; // "could not verify data": libsodium wrote nothing to out
      }
    },
    blake2b512(parts) {
      const out = new Uint8Array(64);
      s.crypto_generichash_batch(out, parts);
      return out;
    },
    sha256: oneShot((out, data) => s.crypto_hash_sha256(out, data), 32),
    sha512: oneShot((out, data) => s.crypto_hash_sha512(out, data), 64),
    timingSafeEqual: (a, b) => s.sodium_memcmp(a, b),
    randomBytes(n) {
      const out = new Uint8Array(n);
      if (n > 0) s.randombytes_buf(out);
      return out;
    },
  };
}
