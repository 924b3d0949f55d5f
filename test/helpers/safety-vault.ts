// Vaults for the backup, recovery and audit tests: any data, the cheap test KDF or today's
// default, with or without a recovery slot (whose printed key is returned), and runs of the
// built CLI in a chosen working folder (for backup's default file name).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Entry } from "../../src/core/entry.js";
import { DEFAULT_ARGON2, type Argon2Params } from "../../src/core/vault/kdf.js";
import type { VaultData } from "../../src/core/vault/model.js";
import { generateRecoveryKey, makeLegacyRecoverySlot, makeRecoverySlot } from "../../src/core/vault/recovery-key.js";
import { createVault, newId, sealAndVerify } from "../../src/core/vault/vault.js";
import { CHEAP_KDF, NO_TTY, TEST_PASSWORD, binFor, type OtpHome, type RunResult } from "./otp-home.js";
import { waitForBuild } from "./e2e-util.js";

export { DEFAULT_ARGON2 };

export interface SafeVaultOptions {
  password?: string;
  params?: Argon2Params;
  /** add a recovery slot (default true) */
  recoveryKey?: boolean;
  /** write it as an otp of minor 0 did: no key generation, the symmetric recovery slot of that time */
  minor0?: boolean;
}

/** Writes `data` as a vault at path (0600 in a 0700 folder); returns the recovery key's printed form. */
export async function writeSafeVault(
  path: string,
  data: VaultData,
  o: SafeVaultOptions = {},
): Promise<{ recoveryKey: string | null; masterKey: Uint8Array }> {
  const made = await createVault(o.password ?? TEST_PASSWORD, data, o.params ?? CHEAP_KDF);
  const { masterKey } = made;
  const envelope = o.minor0 ? { ...made.envelope, minor: 0, ext: {} } : made.envelope;
  let bytes = o.minor0 ? sealAndVerify(envelope, masterKey, data) : made.bytes;
  let recoveryKey: string | null = null;
  if (o.recoveryKey !== false) {
    const k = generateRecoveryKey();
    const slot = o.minor0
      ? makeLegacyRecoverySlot(envelope.vaultId, masterKey, k.bytes)
      : await makeRecoverySlot(envelope.vaultId, masterKey, k.bytes, 1);
    bytes = sealAndVerify({ ...envelope, slots: [...envelope.slots, slot] }, masterKey, data);
    recoveryKey = k.text;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  chmodSync(dirname(path), 0o700);
  writeFileSync(path, bytes, { mode: 0o600 });
  return { recoveryKey, masterKey };
}

const T0 = "2026-01-01T00:00:00.000Z";

/** A stored entry (id and times filled in). */
export function entry(name: string, secret: string, more: Partial<Entry> = {}): Entry {
  return {
    id: newId(),
    name,
    issuer: more.issuer ?? name,
    account: `${name}@example.com`,
    type: "totp",
    secret,
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    tags: [],
    notes: "",
    recoveryCodes: [],
    createdAt: T0,
    updatedAt: T0,
    ...more,
  };
}

export function hotpEntry(name: string, secret: string, counter: number, more: Partial<Entry> = {}): Entry {
  const e = entry(name, secret, { type: "hotp", counter, ...more });
  delete e.period;
  return e;
}

export function codes(n: number, prefix = "code", used = 0): Entry["recoveryCodes"] {
  return Array.from({ length: n }, (_, i) => ({
    code: `${prefix}-${String(i).padStart(4, "0")}`,
    usedAt: i < used ? "2026-01-02T00:00:00.000Z" : null,
  }));
}

export function vaultData(entries: Entry[], meta: Record<string, unknown> = { createdAt: T0 }): VaultData {
  return { entries, tombstones: [], meta };
}

/** Runs `otp ARGS` in h's HOME with the working folder cwd. */
export function otpIn(
  h: OtpHome,
  cwd: string,
  args: string[],
  o: { env?: Record<string, string | undefined>; password?: boolean; input?: string } = {},
): RunResult {
  waitForBuild();
  const env = h.env(o.env, { password: o.password });
  const r = spawnSync(process.execPath, [binFor(env), ...args], {
    cwd,
    env,
    input: o.input ?? "",
    encoding: "utf8",
    timeout: 30_000,
    ...NO_TTY,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function writeSecretFile(path: string, text: string): string {
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}
