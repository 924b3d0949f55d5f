// Argon2id13 through libsodium-wrappers-sumo (the plain build has no crypto_pwhash at run
// time). Loaded lazily: only commands that must stretch a password pay the ~18 ms WASM start.
import { loadPackage } from "../load.js";
import { textBytes } from "./crypto.js";

/** libsodium, ready to use (the KDF here, the recovery slot's sealed box in recovery-key.ts). */
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

export async function argon2id(password: string, salt: Uint8Array, params: Argon2Params): Promise<Uint8Array> {
  const sodium = await loadSodium();
  kdfRuns++;
  const pw = passwordBytes(password);
  try {
    return sodium.crypto_pwhash(32, pw, salt, params.ops, params.mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    pw.fill(0);
  }
}
