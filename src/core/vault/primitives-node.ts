// The primitives on Node's own crypto, where libsodium's addon does not load (primitives.ts):
// - XChaCha20-Poly1305 = HChaCha20 (from @noble/ciphers) + native ChaCha20-Poly1305, the
//   construction of draft-irtf-cfrg-xchacha and libsodium's crypto_aead_xchacha20poly1305_ietf;
// - BLAKE2b-512, SHA-256 and SHA-512, native; random bytes from the CSPRNG.
// node:crypto is required when this engine is made, not when the bundle loads: loading it costs
// ~9 ms, which a process using libsodium never pays.
import { hchacha } from "@noble/ciphers/chacha.js";
import { createRequire } from "node:module";
import type { Primitives } from "./primitives.js";

declare const __filename: string | undefined;
const TAG = 16;

// "expand 32-byte k", the ChaCha constant, as little-endian words.
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

/** XChaCha20's subkey and the native cipher's 12-byte nonce (4 zero bytes ‖ nonce[16..24]). */
function xchachaParams(key: Uint8Array, nonce: Uint8Array): { subkey: Buffer; nonce12: Buffer } {
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

const join = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** Node's crypto as the engine; node:crypto is loaded here. */
export function nodePrimitives(): Primitives {
  // In the bundle __filename is dist/otp.cjs; under vitest, this module's own file.
  const c = createRequire(typeof __filename === "string" ? __filename : import.meta.url)("node:crypto") as typeof import("node:crypto");
  const hash = (name: string, parts: readonly Uint8Array[]): Uint8Array => {
    const h = c.createHash(name);
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  };
  return {
    engine: "node",
    xchachaSeal(key, nonce, plaintext, ad) {
      const { subkey, nonce12 } = xchachaParams(key, nonce);
      try {
        const e = c.createCipheriv("chacha20-poly1305", subkey, nonce12, { authTagLength: TAG });
        e.setAAD(ad, { plaintextLength: plaintext.length });
        return join(e.update(plaintext), e.final(), e.getAuthTag());
      } finally {
        subkey.fill(0);
      }
    },
    xchachaOpen(key, nonce, ciphertext, ad) {
      const { subkey, nonce12 } = xchachaParams(key, nonce);
      const body = ciphertext.subarray(0, ciphertext.length - TAG);
      try {
        const d = c.createDecipheriv("chacha20-poly1305", subkey, nonce12, { authTagLength: TAG });
        d.setAAD(ad, { plaintextLength: body.length });
        d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG));
        const out = d.update(body);
        const rest = d.final(); // throws when the tag does not match
        return rest.length === 0 ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : join(out, rest);
      } catch {
        return null;
      } finally {
        subkey.fill(0);
      }
    },
    blake2b512: (parts) => hash("blake2b512", parts),
    sha256: (parts) => hash("sha256", parts),
    sha512: (parts) => hash("sha512", parts),
    timingSafeEqual: (a, b) => c.timingSafeEqual(a, b),
    randomBytes: (n) => c.randomFillSync(new Uint8Array(n)),
  };
}
