// Opening the vault for a command and writing changes back. The key comes from, first that
// applies: --password-file, OTP_PASSWORD, OTP_SESSION, OTP_RECOVERY_KEY, a hidden prompt on a
// terminal (the controlling one when standard input carries data); otherwise exit 4. Writes
// take the lock and re-read the vault under it; the KDF and any prompt happen before the lock,
// so a slow typist never blocks other otp processes.
import { AuthError, InputError, OtpError, VaultDamagedError } from "../core/errors.js";
import { checkIntegrity, generationOf, parseEnvelope, parseHeaderOnly, type Envelope } from "../core/vault/format.js";
import type { VaultData } from "../core/vault/model.js";
import { openData, openDataIndex, sealAndVerify, unlockAndStretch, type StretchedPassword } from "../core/vault/vault.js";
import { indexOfEntries, type VaultIndex } from "../core/vault/payload.js";
import type { Ctx, ReadResult } from "./context.js";
import { remindAboutBackup } from "./backup-reminder.js";
import { parseRecoveryKey, unlockWithRecoveryKey } from "../core/vault/recovery-key.js";
import { commitVaultChange } from "./commands/sync/auto-commit.js";

export interface OpenedVault {
  envelope: Envelope;
  masterKey: Uint8Array;
  data: VaultData;
  readOnly: boolean;
  /** the password that opened it, when one did (restore tries it on the backup) */
  password?: string;
  /** that password stretched for the slot it opened (a key change re-wraps the new key with it: no second KDF) */
  stretched?: StretchedPassword;
  /** the recovery key's bytes, when it opened the vault (a key change then keeps a minor-0 recovery slot working) */
  recoveryKeyBytes?: Uint8Array;
}

/** How the key was found: a password (and its stretched KEK), a session, or the recovery key. */
export interface FoundKey {
  key: Uint8Array;
  password?: string;
  stretched?: StretchedPassword;
  recoveryKeyBytes?: Uint8Array;
}

/** Reads and parses the vault file without a key (checksum, structure, caps: no KDF). */
export async function readEnvelope(ctx: Ctx): Promise<{ envelope: Envelope; readOnly: boolean }> {
  const file = await ctx.vaultFile.read(ctx.vaultPath);
  for (const w of file.warnings) ctx.warn(w);
  return parseEnvelope(file.bytes);
}

/** The vault, unlocked and decrypted. Throws AuthError (4), VaultDamagedError (5), OtpError (1). */
export async function openVault(ctx: Ctx): Promise<OpenedVault> {
  const { envelope, readOnly } = await readEnvelope(ctx);
  const found = await masterKeyFor(ctx, envelope);
  return {
    envelope,
    masterKey: found.key,
    data: openData(envelope, found.key),
    readOnly,
    password: found.password,
    stretched: found.stretched,
    recoveryKeyBytes: found.recoveryKeyBytes,
  };
}

/**
 * The vault's index (names, issuers, accounts, types) and each entry on demand, for commands
 * that read one entry or the names (`otp code`, `otp list`). With a session and a minor-3 file,
 * only the header, the index and the chunk of an entry asked for are decrypted, and the
 * checksum runs only when the key or the payload fails (so damage is still exit 5, not 4);
 * otherwise the vault opens whole, as openVault. `vault.data` opens the whole vault when read.
 */
export async function openVaultIndex(ctx: Ctx): Promise<{ vault: OpenedVault; index: VaultIndex }> {
  const bySession = !!ctx.env.OTP_SESSION && !ctx.passwordFile && !ctx.env.OTP_PASSWORD;
  if (!bySession) {
    const vault = await openVault(ctx);
    return { vault, index: indexOfEntries(vault.data.entries) };
  }
  // With a session the file is read a range at a time: its header, the index, one chunk.
  const file = await ctx.vaultFile.openRanges(ctx.vaultPath);
  for (const w of file.warnings) ctx.warn(w);
  const damage = () => {
    const err = checkIntegrity(file.whole());
    if (err) throw err;
  };
  // Damage is named as the checksum names it, whichever check met it first.
  const named = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof VaultDamagedError) damage();
      throw err;
    }
  };
  const head = named(() => parseHeaderOnly(file));
  if (head.envelope.minor < 3) {
    const { envelope, readOnly } = parseEnvelope(file.whole());
    const { key, ...how } = await masterKeyFor(ctx, envelope);
    const data = openData(envelope, key);
    return { vault: { ...how, envelope, masterKey: key, data, readOnly }, index: indexOfEntries(data.entries) };
  }
  const { key, ...how } = await masterKeyFor(ctx, head.envelope, damage);
  const index = named(() => openDataIndex(head.envelope, key, head.data));
  let data: VaultData | undefined;
  const vault: OpenedVault = {
    ...how,
    envelope: head.envelope,
    masterKey: key,
    readOnly: head.readOnly,
    get data(): VaultData {
      return (data ??= openData(parseEnvelope(file.whole()).envelope, key));
    },
    set data(d: VaultData) {
      data = d;
    },
  };
  const checked: VaultIndex = {
    columns: index.columns,
    row: index.row,
    get entries() {
      return index.entries;
    },
    entry: (at) => named(() => index.entry(at)),
  };
  return { vault, index: checked };
}

/** Reads the password file's first line, without its line ending. `-` is standard input. */
export async function readPasswordFile(ctx: Ctx, file: string): Promise<string> {
  // Only the first line is read, and it is capped: `--password-file /dev/stdin < /dev/zero`
  // ends with exit 2, and `(echo pw; sleep 600) |` does not wait for the sleep.
  const hint = "the password is the first line of the password file";
  let line: string;
  try {
    line =
      file === "-" ? await ctx.readStdinLine({ hint }) : await ctx.files.readFirstLine(file, { what: `the password file ${file}`, hint });
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new AuthError("no-password-source", `cannot read the password file ${file}`);
  }
  if (line === "") throw new AuthError("no-password-source", `the password file ${file} is empty`);
  return line;
}

/** The master key of this envelope from the password sources above (and the password, when one was given). Throws AuthError (4). */
export async function masterKeyFor(ctx: Ctx, envelope: Envelope, onSessionError?: () => void): Promise<FoundKey> {
  // The KDF blocks for a moment: a spinner on a terminal if it takes over 300 ms (at the prompt,
  // the prompt's own line says it is checking).
  const withPassword = async (password: string, spin = ctx.stderrIsTTY): Promise<FoundKey> => {
    const { key, stretched } = await ctx.process.spinner(spin, "unlocking the vault…", () => unlockAndStretch(envelope, password));
    return { key, stretched, password };
  };
  if (ctx.passwordFile) return withPassword(await readPasswordFile(ctx, ctx.passwordFile));
  if (ctx.env.OTP_PASSWORD) return withPassword(ctx.env.OTP_PASSWORD);
  if (ctx.env.OTP_SESSION) {
    try {
      return { key: await ctx.sessions.open(ctx.env.OTP_SESSION, envelope, ctx.now(), ctx.vaultPath) };
    } catch (err) {
      // A file read without its checksum (openVaultIndex): damage is named before anything else.
      onSessionError?.();
      if (!(err instanceof AuthError) || !ctx.canPrompt()) throw err;
      ctx.warn(`${err.message}; asking for the password instead`);
    }
  }
  if (ctx.env.OTP_RECOVERY_KEY) {
    const recoveryKeyBytes = parseRecoveryKey(ctx.env.OTP_RECOVERY_KEY);
    return { key: await unlockWithRecoveryKey(envelope, recoveryKeyBytes), recoveryKeyBytes };
  }
  if (!ctx.canPrompt())
    throw new AuthError("no-password-source", "no password given and no terminal to ask on", [
      'set OTP_PASSWORD, pass --password-file FILE, or run `eval "$(otp unlock)"` first',
    ]);
  return ctx.prompts.secretChecked(
    "Vault password:",
    (pw) => withPassword(pw, false),
    threeTries,
    (m) => ctx.warn(m),
  );
}

/** The retry rule of a password prompt: a wrong password is asked again, twice. */
export function threeTries(err: unknown, attempt: number): string | null {
  return err instanceof AuthError && attempt < 3 ? "wrong password, try again" : null;
}

/** What a change to the vault gives back: the new data, and, for a key change, the new header and master key. */
export interface VaultChange<T> {
  data: VaultData;
  result: T;
  /** new key slots or generation (passwd, recovery-key new), made from the header fn was given */
  envelope?: Envelope;
  /** a new master key: only with a header one generation higher */
  masterKey?: Uint8Array;
}

/**
 * Applies fn to the vault's current data under the lock and writes the result atomically.
 * fn may throw to abort (nothing is written). Returns fn's result once the new vault is
 * on disk (fsync'd): callers print only after this, so an HOTP code is never shown unsaved.
 * fn also gets the header as re-read and its master key; a key change returns a new header
 * (same vaultId, the next generation) and the new master key.
 */
export async function updateVault<T>(
  ctx: Ctx,
  opened: OpenedVault,
  fn: (data: VaultData, envelope: Envelope, masterKey: Uint8Array) => VaultChange<T> | Promise<VaultChange<T>>,
): Promise<T> {
  if (opened.readOnly) throw readOnlyError();
  return ctx.vaultFile.withLock(ctx.vaultPath, (stillHeld, real) =>
    ctx.process.critical(async () => {
      const file = await ctx.vaultFile.read(real);
      const { envelope, readOnly } = parseEnvelope(file.bytes);
      if (readOnly) throw readOnlyError();
      if (envelope.vaultId !== opened.envelope.vaultId)
        throw new OtpError("changed-on-disk", "the vault was replaced by another vault meanwhile; nothing written", [
          "run the command again",
        ]);
      if (generationOf(envelope) !== generationOf(opened.envelope))
        throw new OtpError("changed-on-disk", "the vault's keys were changed meanwhile (a new password or recovery key); nothing written", [
          "run the command again",
        ]);
      const current = openData(envelope, opened.masterKey);
      const change = await fn(current, envelope, opened.masterKey);
      const next = change.envelope ?? envelope;
      const key = change.masterKey ?? opened.masterKey;
      if (next.vaultId !== envelope.vaultId) throw new OtpError("internal", "a vault write tried to change the vaultId");
      if (change.masterKey && generationOf(next) <= generationOf(envelope))
        throw new OtpError("internal", "a new master key needs the next key generation");
      const bytes = sealAndVerify(next, key, change.data);
      const warnings = await ctx.vaultFile.writeAtomic(real, bytes, file.identity, stillHeld);
      for (const w of warnings) ctx.warn(w);
      opened.data = change.data;
      if (next !== envelope) opened.envelope = parseEnvelope(bytes).envelope;
      if (key !== opened.masterKey) {
        opened.masterKey.fill(0);
        opened.masterKey = key;
      }
      remindAboutBackup(ctx, change.data);
      // In a sync repository: one commit per change (never fails the write; warns instead).
      await commitVaultChange(ctx, current, change.data, next !== envelope);
      return change.result;
    }),
  );
}

/**
 * Holds the vault's lock around fn, for a change that is more than new data: `otp sync`
 * replaces header and data with a merge and moves git's branch in the same step. fn gets the
 * file as read under the lock and may `write` new bytes once (atomic, with a snapshot).
 */
export async function underVaultLock<T>(
  ctx: Ctx,
  fn: (file: ReadResult, write: (bytes: Uint8Array) => Promise<void>) => Promise<T>,
): Promise<T> {
  return ctx.vaultFile.withLock(ctx.vaultPath, (stillHeld, real) =>
    ctx.process.critical(async () => {
      const file = await ctx.vaultFile.read(real);
      return fn(file, async (bytes) => {
        for (const w of await ctx.vaultFile.writeAtomic(real, bytes, file.identity, stillHeld)) ctx.warn(w);
      });
    }),
  );
}

export function readOnlyError(): VaultDamagedError {
  return new VaultDamagedError("read-only-newer-minor", "read-only: vault written by a newer otp", ["upgrade otp to change this vault"]);
}

/**
 * Whether opening the vault may ask for its password: no password file, OTP_PASSWORD or
 * recovery key, and a terminal to ask on (a session may have expired: it is cheap to try first).
 */
export function mayAskPassword(ctx: Ctx): boolean {
  return !ctx.passwordFile && !ctx.env.OTP_PASSWORD && !ctx.env.OTP_RECOVERY_KEY && ctx.canPrompt();
}

/** Whether a name or label looks like a seed or an otpauth URI. */
export function looksLikeSecret(value: string): boolean {
  const packed = value.replace(/[\s-]/g, "");
  // Base32 of 16+ characters with a digit 2–7 (a random seed has one ~96% of the time), or in
  // groups of four as Google's "can't scan it?" key shows it, in either case. Long all-letter
  // names like GITHUBENTERPRISE or "personal email account" still pass.
  const grouped = /^[a-z2-7]{4}(?:[\s-]+[a-z2-7]{4})+(?:[\s-]+[a-z2-7]{1,4})?=*$/i.test(value.trim());
  const seedLike = /^[A-Za-z2-7]{16,}=*$/.test(packed) && (/[2-7]/.test(packed) || grouped);
  return /^otpauth(-migration)?:/i.test(value) || seedLike;
}

/** Refuses values on the command line that look like a seed or an otpauth URI (docs/testplan.md G.45). */
export function refuseSecretInArgv(value: string | undefined, what: string): void {
  if (value !== undefined && looksLikeSecret(value))
    throw new InputError("secret-on-command-line", `${what} looks like a secret or an otpauth URI`, [
      "it is now in your shell history; give secrets with --stdin or at the prompt (`otp add --help`)",
    ]);
}
