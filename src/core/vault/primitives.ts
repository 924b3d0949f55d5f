// The native primitives under crypto.ts, from one of two engines, chosen once per process:
// - libsodium itself (sodium-native's prebuilt addon, primitives-sodium.ts): the reference for
//   every construction the format names, and ~2 ms to load;
// - Node's own crypto (primitives-node.ts), where no prebuilt addon loads (Alpine's musl, 32-bit
//   ARM, a BSD). `require("node:crypto")` costs every start ~9 ms (36 internal modules, streams
//   among them), a third of what `otp code` costs beyond Node's own start (docs/startup.md).
// Both give the same bytes: test/unit/core/vault/crypto.test.ts runs every check on each, against
// libsodium's WASM build as the independent reference.
import { nodePrimitives } from "./primitives-node.js";
import { sodiumPrimitives } from "./primitives-sodium.js";

export interface Primitives {
  readonly engine: "libsodium" | "node";
  /** XChaCha20-Poly1305-IETF: ciphertext ‖ 16-byte tag. Lengths are checked by the caller. */
  xchachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array;
  /** The inverse; null when the tag does not match. */
  xchachaOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null;
  /** Unkeyed BLAKE2b-512 of the parts, concatenated. */
  blake2b512(parts: readonly Uint8Array[]): Uint8Array;
  /** SHA-256 of the parts, concatenated. */
  sha256(parts: readonly Uint8Array[]): Uint8Array;
  /** SHA-512 of the parts, concatenated. */
  sha512(parts: readonly Uint8Array[]): Uint8Array;
  /** Whether two arrays of the same length are equal, in time independent of where they differ. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  /** n bytes from the operating system's CSPRNG. */
  randomBytes(n: number): Uint8Array;
}

let chosen: Primitives | undefined;

/** libsodium where its addon loads, else Node's crypto; the same engine for the whole process. */
export function primitives(): Primitives {
  return (chosen ??= sodiumPrimitives() ?? nodePrimitives());
}
