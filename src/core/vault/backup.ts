// Backups: a vault file of their own, in the vault's own format (format.ts), so the same reader,
// caps and checks apply to them. Two kinds:
// - under the vault's keys: the vault's slots copied as they are (same vaultId and master key),
//   so the vault password, and the recovery key, open it; no KDF is needed to make one, which
//   also works from a session;
// - under a separate backup password: a new vaultId, a new master key and one password slot
//   with fresh salt, so neither the vault password nor the recovery key opens it, and cracking
//   it reveals nothing of later vaults (nor of older copies: the vault's prior keys stay out).
// Opening a backup treats it as untrusted input: parseEnvelope's size, KDF and canonical checks
// run before any key is tried. Pure apart from the KDF.
import { AuthError, OtpError, VaultDamagedError } from "../errors.js";
import { generateCode } from "../otp.js";
import { KEY_BYTES, NONCE_BYTES, randomBytes } from "./crypto.js";
import { parseEnvelope, type Envelope } from "./format.js";
import type { Argon2Params } from "./kdf.js";
import { serializeData, type VaultData } from "./model.js";
import { withoutPriorKeys } from "./prior-keys.js";
import { unlockWithRecoveryKey } from "./recovery-key.js";
import { makePasswordSlot, newId, openData, sealAndVerify, unlockWithPassword } from "./vault.js";

/** A backup of `data` under the vault's own slots and master key. */
export function backupWithVaultKeys(vault: Envelope, masterKey: Uint8Array, data: VaultData): Uint8Array {
  return sealAndVerify({ ...vault }, masterKey, data);
}

/** A backup of `data` under its own password: new vaultId, master key and salt. Runs the KDF once. */
export async function backupWithPassword(
  vault: Envelope,
  data: VaultData,
  password: string,
  params: Argon2Params,
): Promise<{ bytes: Uint8Array; masterKey: Uint8Array }> {
  const masterKey = randomBytes(KEY_BYTES);
  const vaultId = newId();
  const slot = await makePasswordSlot(vaultId, masterKey, password, params);
  // Same version and ext as the vault (a newer minor's extensions ride along untouched), but keys
  // of its own: its first generation, and none of the vault's prior keys.
  const ext = "generation" in vault.ext ? { ...vault.ext, generation: 1 } : vault.ext;
  const env: Envelope = {
    version: vault.version,
    minor: vault.minor,
    vaultId,
    slots: [slot],
    nonce: new Uint8Array(NONCE_BYTES),
    ext,
    data: new Uint8Array(0),
  };
  return { bytes: sealAndVerify(env, masterKey, withoutPriorKeys(data)), masterKey };
}

/** What may open a backup, cheapest first. */
export interface BackupKeys {
  /** master keys to try on the data directly (the vault's own: no KDF) */
  masterKeys?: Uint8Array[];
  /** passwords to try on its password slots (one KDF per slot each) */
  passwords?: string[];
  /** recovery keys' bytes to try on its recovery slots */
  recoveryKeys?: Uint8Array[];
}

export interface OpenedBackup {
  envelope: Envelope;
  masterKey: Uint8Array;
  data: VaultData;
  readOnly: boolean;
}

/**
 * Parses a backup's bytes (no key needed: throws VaultDamagedError for an empty, truncated,
 * edited, foreign or newer-version file before any KDF runs).
 */
export function readBackup(bytes: Uint8Array): { envelope: Envelope; readOnly: boolean } {
  try {
    return parseEnvelope(bytes);
  } catch (err) {
    if (err instanceof VaultDamagedError)
      throw new VaultDamagedError(err.kind, err.message.replace(/^vault (file )?/, "backup "), err.hints);
    throw err;
  }
}

/**
 * Opens a parsed backup with the first key that works. Throws AuthError `wrong-password` when
 * none does (the caller may ask for another and call again), VaultDamagedError when a key
 * unwrapped but the data does not decrypt or parse.
 */
export async function openBackup(parsed: { envelope: Envelope; readOnly: boolean }, keys: BackupKeys): Promise<OpenedBackup> {
  const { envelope, readOnly } = parsed;
  for (const k of keys.masterKeys ?? []) {
    let data: VaultData;
    try {
      data = openData(envelope, k);
    } catch {
      continue; // another vault's key: not damage, just not this one
    }
    return { envelope, masterKey: new Uint8Array(k), data, readOnly };
  }
  let masterKey: Uint8Array | null = null;
  for (const pw of keys.passwords ?? []) {
    masterKey = await unlockWithPassword(envelope, pw).catch(() => null);
    if (masterKey) break;
  }
  for (const rk of masterKey ? [] : (keys.recoveryKeys ?? [])) {
    try {
      masterKey = await unlockWithRecoveryKey(envelope, rk);
      break;
    } catch {
      // next
    }
  }
  if (!masterKey) throw new AuthError("wrong-password", "wrong password for the backup");
  return { envelope, masterKey, data: openData(envelope, masterKey), readOnly };
}

export interface BackupCheck {
  entries: number;
  recoveryCodes: number;
  /** when the backup was made (its meta.lastBackup.at), if it says */
  madeAt: string | null;
}

/**
 * The check `otp backup` runs on what it wrote and `otp backup verify` on any backup: every
 * entry yields a code at `nowMs`; with `expected`, the data is exactly that. Throws OtpError
 * `backup-verify-failed` naming the first entry that does not.
 */
export function checkBackup(data: VaultData, nowMs: number, expected?: VaultData): BackupCheck {
  if (expected && serializeData(data) !== serializeData(expected))
    throw new OtpError("backup-verify-failed", "backup verification failed: it does not hold what was written");
  for (const e of data.entries) {
    try {
      generateCode(e, nowMs);
    } catch {
      throw new OtpError("backup-verify-failed", `backup verification failed: entry "${e.name}" does not give a code`);
    }
  }
  const made = (data.meta.lastBackup as { at?: unknown } | undefined)?.at;
  return {
    entries: data.entries.length,
    recoveryCodes: data.entries.reduce((n, e) => n + (e.recoveryCodes?.length ?? 0), 0),
    madeAt: typeof made === "string" ? made : null,
  };
}
