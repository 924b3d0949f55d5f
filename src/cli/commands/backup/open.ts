// Reading and opening a backup file for `otp restore` and `otp backup verify`. A backup is
// untrusted input: size-capped and fully checked (core/vault/backup.ts) before any key is tried.
// Keys, cheapest first: the open vault's master key (a backup made under the vault's keys), an
// OTP_SESSION of the backup's vault, --backup-password-file, the vault's password (given by
// --password-file, OTP_PASSWORD or typed), OTP_RECOVERY_KEY; then a hidden prompt, three tries;
// off a terminal, exit 4.
import { AuthError, InputError, OtpError } from "../../../core/errors.js";
import { escapeForTerminal } from "../../../core/text.js";
import { openBackup, readBackup, type BackupKeys, type OpenedBackup } from "../../../core/vault/backup.js";
import type { Envelope } from "../../../core/vault/format.js";
import { MAX_FILE_BYTES } from "../../../core/vault/format.js";
import { parseRecoveryKey } from "../../../core/vault/recovery-key.js";
import { priorKeyBytes } from "../../../core/vault/prior-keys.js";
import type { Ctx } from "../../context.js";
import { readPasswordFile, threeTries, type OpenedVault } from "../../vault.js";

export interface ParsedBackup {
  file: string;
  envelope: Envelope;
  readOnly: boolean;
  mtimeMs: number;
  bytes: Uint8Array;
}

/** Reads and parses a backup (exit 2 when it cannot be read, 5 when it is damaged or newer). */
export async function readBackupFile(ctx: Ctx, file: string): Promise<ParsedBackup> {
  let bytes: Uint8Array;
  let mtimeMs: number;
  try {
    const read = await ctx.files.readRegular(file, MAX_FILE_BYTES);
    if (read === "not-regular") throw new InputError("invalid-file", `${file} is not a regular file`);
    if (read === "too-large") throw new InputError("invalid-file", `${file} is larger than 16 MiB, so it is no otp backup`);
    ({ bytes, mtimeMs } = read);
  } catch (err) {
    if (err instanceof OtpError) throw err;
    throw new InputError("invalid-file", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "failed"}`);
  }
  return { file, ...readBackup(bytes), mtimeMs, bytes };
}

async function keysWithoutAsking(
  ctx: Ctx,
  b: ParsedBackup,
  opts: { backupPasswordFile?: string },
  vault: OpenedVault | null,
): Promise<BackupKeys> {
  const masterKeys: Uint8Array[] = [];
  // The vault's key, and the keys of its earlier generations: a backup made before a password
  // change opens without the old password.
  if (vault) masterKeys.push(vault.masterKey, ...priorKeyBytes(vault.data).map((k) => k.key));
  if (ctx.env.OTP_SESSION && (!vault || vault.envelope.vaultId !== b.envelope.vaultId)) {
    const k = await ctx.sessions.open(ctx.env.OTP_SESSION, b.envelope, ctx.now()).catch(() => null);
    if (k) masterKeys.push(k);
  }
  const passwords: string[] = [];
  if (opts.backupPasswordFile) passwords.push(await readPasswordFile(ctx, opts.backupPasswordFile));
  if (vault?.password !== undefined) passwords.push(vault.password);
  else if (!vault && ctx.passwordFile) passwords.push(await readPasswordFile(ctx, ctx.passwordFile));
  if (ctx.env.OTP_PASSWORD) passwords.push(ctx.env.OTP_PASSWORD);
  const recoveryKeys = ctx.env.OTP_RECOVERY_KEY ? [parseRecoveryKey(ctx.env.OTP_RECOVERY_KEY)] : [];
  return { masterKeys, passwords: [...new Set(passwords)], recoveryKeys };
}

/**
 * Opens a parsed backup with what is at hand (see the top), else asks. `vault`: the current
 * vault, when the command opened one. Throws AuthError (4) when nothing opens it.
 */
export async function openBackupFile(
  ctx: Ctx,
  b: ParsedBackup,
  opts: { backupPasswordFile?: string },
  vault: OpenedVault | null,
): Promise<OpenedBackup> {
  const shown = escapeForTerminal(b.file);
  const keys = await keysWithoutAsking(ctx, b, opts, vault);
  const tried = (keys.masterKeys?.length ?? 0) + (keys.passwords?.length ?? 0) + (keys.recoveryKeys?.length ?? 0) > 0;
  if (tried) {
    try {
      return await ctx.process.spinner(ctx.stderrIsTTY, "opening the backup…", () => openBackup(b, keys));
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
    }
  }
  const hint = "pass its password with --backup-password-file FILE";
  if (opts.backupPasswordFile)
    throw new AuthError("wrong-password", `wrong password for the backup ${shown}`, ["check the file given to --backup-password-file"]);
  const failed = `the backup ${shown} does not open with the ${vault ? "vault's password or key" : "password given"}`;
  if (!ctx.canPrompt())
    throw tried
      ? new AuthError("wrong-password", failed, [hint])
      : new AuthError("no-password-source", `no password for the backup ${shown} and no terminal to ask on`, [hint]);
  if (tried) ctx.info(`${failed}; it has a password of its own`);
  return ctx.prompts.secretChecked(
    `Password of the backup ${shown}:`,
    (password) => openBackup(b, { passwords: [password] }),
    threeTries,
    (m) => ctx.warn(m),
  );
}
