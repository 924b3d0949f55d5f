// Argon2id13 for password slots. Two implementations that give the same bytes:
// - @node-rs/argon2, native (Rust, prebuilt per platform, no install script): ~7 ms to load and
//   ~60 ms for 3 passes over 64 MiB on the bench machine;
// - libsodium-wrappers-sumo, WASM (the plain build has no crypto_pwhash at run time): ~85 ms to
//   load and ~375 ms for the same work. Used where no prebuilt binary exists for the platform.
// Both load lazily: only commands that must stretch a password pay for one. An attacker guessing
// passwords brings their own fast Argon2id anyway, so the native one gives them nothing and gives
// the user back most of a second (docs/packages.md). test/unit/core/vault/kdf.test.ts checks that
// both agree, on RFC 9106's parameters and on random inputs.
import { loadCommonJs, loadPackage, requireAddon } from "../load.js";
import { textBytes } from "./crypto.js";

/** libsodium, ready to use (the fallback KDF here, the recovery slot's sealed box in recovery-key.ts). */
export async function loadSodium() {
  const { default: sodium } = await loadPackage<typeof import("libsodium-wrappers-sumo")>("libsodium-wrappers-sumo");
  await sodium.ready;
  return sodium;
}

export interface Argon2Params {
  ops: number;
  /** memory in bytes (frozen: the vault format stores bytes) */
  mem: number;
}

/** Today's default; what it costs on a machine: `npm run bench` (the password rows against the session rows). */
export const DEFAULT_ARGON2: Argon2Params = { ops: 3, mem: 64 * 1024 * 1024 };
/** Caps checked before any KDF runs (format.ts; docs/testplan.md A.8). */
export const ARGON2_LIMITS = { minOps: 1, maxOps: 10, minMem: 8 * 1024, maxMem: 1024 * 1024 * 1024 };

/**
 * Passwords become bytes as the UTF-8 of their NFC normalisation. Frozen forever: a vault
 * made with "pässwörd" typed as NFC or as NFD opens with either.
 */
export function passwordBytes(password: string): Uint8Array {
  return textBytes(password.normalize("NFC"));
}

let kdfRuns = 0;
/** How many times the KDF ran in this process (tests assert "no KDF" through it). */
export function kdfCount(): number {
  return kdfRuns;
}

export type Argon2Engine = "native" | "wasm";
type Hash = (pw: Uint8Array, salt: Uint8Array, params: Argon2Params) => Uint8Array;
type NativeArgon2 = typeof import("@node-rs/argon2");

let native: Promise<Hash | undefined> | undefined;

/**
 * The package's binding. Its own loader reads /usr/bin/ldd to tell musl from glibc and walks a
 * list of candidates (~4 ms more than the addon's own ~3 ms): on glibc Linux and macOS the
 * platform package's addon is required straight away, and the loader runs only if that fails
 * (musl, another platform).
 */
async function loadArgon2(): Promise<NativeArgon2 & { default?: NativeArgon2 }> {
  const { platform, arch } = process;
  const triple = platform === "linux" ? `linux-${arch}-gnu` : platform === "darwin" ? `darwin-${arch}` : null;
  if (triple) {
    try {
      return requireAddon(`@node-rs/argon2-${triple}`, `argon2.${triple}.node`);
    } catch {
      // not this platform's build after all: the package knows
    }
  }
  return loadCommonJs("@node-rs/argon2");
}
/** Argon2id13 with any number of lanes (another app's export may use several; our vault uses one). */
type LanesHash = (pw: Uint8Array, salt: Uint8Array, o: { t: number; mKiB: number; p: number; dkLen: number }) => Uint8Array;
let nativeLanes: Promise<LanesHash | undefined> | undefined;

/** The native Argon2id, or undefined where its binary does not load (no build for this platform). */
function loadNativeLanes(): Promise<LanesHash | undefined> {
  nativeLanes ??= loadArgon2().then(
    (mod) => {
      const hashRawSync = mod.hashRawSync ?? mod.default?.hashRawSync;
      if (typeof hashRawSync !== "function") return undefined;
      return (pw, salt, o) =>
        // algorithm 2 = Argon2id, version 1 = 0x13 (const enums in the package's types).
        new Uint8Array(
          hashRawSync(pw, { algorithm: 2, version: 1, timeCost: o.t, memoryCost: o.mKiB, parallelism: o.p, outputLen: o.dkLen, salt }),
        );
    },
    () => undefined,
  );
  return nativeLanes;
}

/** The vault's Argon2id (one lane, 32 bytes) natively, or undefined where the binary does not load. */
function loadNative(): Promise<Hash | undefined> {
  // libsodium takes memory in bytes and uses whole KiB, as this does.
  native ??= loadNativeLanes().then(
    (lanes) => lanes && ((pw, salt, params) => lanes(pw, salt, { t: params.ops, mKiB: Math.floor(params.mem / 1024), p: 1, dkLen: 32 })),
  );
  return native;
}

/**
 * Argon2id13 of raw password bytes with several lanes, natively (~0.1 s for Stratum's 3 passes,
 * 64 MiB and 4 lanes), for an import whose app chose them, which libsodium cannot do; undefined
 * where the binary does not load (the caller then runs @noble/hashes' JavaScript one, ~4 s on
 * the bench machine: test/unit/core/vault/kdf.test.ts checks both give the same bytes).
 */
export async function argon2idLanesNative(
  pw: Uint8Array,
  salt: Uint8Array,
  o: { t: number; mKiB: number; p: number; dkLen: number },
): Promise<Uint8Array | undefined> {
  return (await loadNativeLanes())?.(pw, salt, o);
}

async function wasm(): Promise<Hash> {
  const sodium = await loadSodium();
  return (pw, salt, params) => sodium.crypto_pwhash(32, pw, salt, params.ops, params.mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
}

/** Which implementation `argon2id` uses in this process: native where it loads, else WASM. */
export async function argon2Engine(): Promise<Argon2Engine> {
  return (await loadNative()) ? "native" : "wasm";
}

/** Argon2id13 of the password (NFC, UTF-8) into a 32-byte key; `engine` is for tests that compare the two. */
export async function argon2id(password: string, salt: Uint8Array, params: Argon2Params, engine?: Argon2Engine): Promise<Uint8Array> {
  const hash = (engine !== "wasm" && (await loadNative())) || (engine === "native" ? undefined : await wasm());
  if (!hash) throw new Error("the native Argon2id does not load on this platform");
  kdfRuns++;
  const pw = passwordBytes(password);
  try {
    return hash(pw, salt, params);
  } finally {
    pw.fill(0);
  }
}
