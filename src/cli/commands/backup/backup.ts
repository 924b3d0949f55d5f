// `otp backup [FILE]`: an encrypted backup in the vault's own format, under the vault's keys or,
// with --backup-password-file / --new-backup-password, a password of its own. Written 0600,
// atomically, never over a file without --force; then read back from disk and checked (it opens,
// holds exactly what was meant, every entry gives a code) before it counts: a backup that fails
// is removed and the command fails. Only then does the vault remember it (meta.lastBackup).
import { resolve } from "node:path";
import { OtpError, UsageError } from "../../../core/errors.js";
import { escapeForTerminal } from "../../../core/text.js";
import { backupWithPassword, backupWithVaultKeys, checkBackup, openBackup, readBackup } from "../../../core/vault/backup.js";
import { entriesState, withLastBackup, type BackupRecord } from "../../../core/vault/backup-state.js";
import { strongestParams } from "../../../core/vault/vault.js";
import { withoutPriorKeys } from "../../../core/vault/prior-keys.js";
import type { Ctx } from "../../context.js";
import { newPassword } from "../../new-password.js";
import { openVault, updateVault } from "../../vault.js";

export interface BackupOptions {
  backupPasswordFile?: string;
  newBackupPassword?: boolean;
  force?: boolean;
}

export async function run(ctx: Ctx, file: string | undefined, opts: BackupOptions): Promise<void> {
  if (opts.backupPasswordFile && opts.newBackupPassword)
    throw new UsageError("usage", "give --backup-password-file or --new-backup-password, not both");
  if (opts.backupPasswordFile === "-" && ctx.passwordFile === "-")
    throw new UsageError("usage", "--password-file - and --backup-password-file - cannot both read standard input");
  const vault = await openVault(ctx);
  const own = opts.backupPasswordFile !== undefined || opts.newBackupPassword === true;
  const password = own
    ? await newPassword(ctx, {
        file: opts.backupPasswordFile,
        what: "backup",
        flag: "--backup-password-file",
        nothingDone: "no backup was written",
      })
    : null;
  const now = ctx.now();
  const target = file !== undefined ? resolve(file) : await defaultFile(ctx, now);
  const record: BackupRecord = { at: new Date(now).toISOString(), state: entriesState(vault.data.entries), file: target };
  const full = withLastBackup(vault.data, record);
  // A backup with a password of its own has keys of its own: the vault's prior keys stay out.
  const data = password ? withoutPriorKeys(full) : full;
  const made = password
    ? await ctx.process.spinner(ctx.stderrIsTTY, "deriving the backup's key…", () =>
        backupWithPassword(vault.envelope, data, password, strongestParams(vault.envelope, ctx.newSlotKdf)),
      )
    : { bytes: backupWithVaultKeys(vault.envelope, vault.masterKey, data), masterKey: vault.masterKey };
  await ctx.files.writeOutput(target, made.bytes, { force: opts.force === true, vault: ctx.vaultPath });
  const check = await verifyWritten(ctx, target, password, made.masterKey, data, now);
  if (vault.readOnly) ctx.warn("the vault opens read-only (written by a newer otp), so it cannot note this backup");
  else await updateVault(ctx, vault, (current) => ({ data: withLastBackup(current, record), result: null }));
  ctx.data(escapeForTerminal(target));
  const codes = check.recoveryCodes ? ` and ${check.recoveryCodes} recovery code${check.recoveryCodes === 1 ? "" : "s"}` : "";
  ctx.info(
    `backup written and verified: ${check.entries} entr${check.entries === 1 ? "y" : "ies"}${codes}; it opens with ${password ? "its own backup password" : "the vault's password (and its recovery key)"}`,
  );
  await hintIfSameDisk(ctx, target);
}

/** Reads the backup back from disk and checks it; on any failure removes it and throws. */
async function verifyWritten(
  ctx: Ctx,
  target: string,
  password: string | null,
  masterKey: Uint8Array,
  data: Parameters<typeof checkBackup>[2],
  now: number,
) {
  try {
    const bytes = await ctx.files.readBytes(target);
    const opened = await ctx.process.spinner(ctx.stderrIsTTY, "checking the backup…", () =>
      openBackup(readBackup(bytes), password ? { passwords: [password] } : { masterKeys: [masterKey] }),
    );
    return checkBackup(opened.data, now, data);
  } catch (err) {
    await ctx.files.remove(target).catch(() => undefined);
    const why = err instanceof Error ? err.message.replace(/^backup verification failed: /, "") : String(err);
    throw new OtpError("backup-verify-failed", `backup verification failed (${why}); the file was removed`, [
      "the vault itself is fine; try again, or write the backup to another disk",
    ]);
  }
}

/** otp-backup-YYYY-MM-DD.otp in the current folder (local date), or -2, -3, … when taken. */
async function defaultFile(ctx: Ctx, now: number): Promise<string> {
  const d = new Date(now);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  for (let i = 1; i < 1000; i++) {
    const name = resolve(`otp-backup-${day}${i === 1 ? "" : `-${i}`}.otp`);
    if (!(await ctx.files.lstat(name))) return name;
  }
  throw new OtpError("output-exists", "too many backups of today here; give a FILE");
}

async function hintIfSameDisk(ctx: Ctx, target: string): Promise<void> {
  const [a, b] = await Promise.all([ctx.files.stat(target), ctx.files.stat(ctx.vaultPath)]);
  if (a && b && a.dev === b.dev)
    ctx.hint(
      `${escapeForTerminal(target)} is on the same disk as the vault: copy it to another one (a USB stick, another computer), so that it outlives this one`,
    );
}
