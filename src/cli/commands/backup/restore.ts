// `otp restore FILE`: brings a backup's entries back. By default merges (core/vault/restore.ts:
// by id, and by secret for entries from elsewhere; both kept on a conflict); --replace swaps the
// vault's entries for the backup's, after a question or --yes. One locked write with a snapshot
// of the vault before it; the backup is read, opened and checked whole first, so a wrong
// password, a damaged or a newer backup changes nothing. With no vault yet, the backup becomes
// the vault (a new laptop).
import { dirname } from "node:path";
import { OtpError, UsageError, VaultDamagedError } from "../../../core/errors.js";
import { escapeForTerminal } from "../../../core/text.js";
import { checkBackup, type OpenedBackup } from "../../../core/vault/backup.js";
import { checkEntryLimits } from "../../../core/vault/entry-limits.js";
import { skippedCodesWarning, vetEntriesRecoveryCodes } from "../../../core/recovery-codes.js";
import { changesAnything, mergeRestore, replaceRestore, type RestoreReport } from "../../../core/vault/restore.js";
import type { VaultData } from "../../../core/vault/model.js";
import { newId } from "../../../core/vault/vault.js";
import type { Ctx } from "../../context.js";
import { openBackupFile, readBackupFile, type ParsedBackup } from "./open.js";
import { openVault, readOnlyError, updateVault } from "../../vault.js";

export interface RestoreOptions {
  backupPasswordFile?: string;
  replace?: boolean;
  yes?: boolean;
  dryRun?: boolean;
}

export async function run(ctx: Ctx, file: string, opts: RestoreOptions): Promise<void> {
  if (opts.backupPasswordFile === "-" && ctx.passwordFile === "-")
    throw new UsageError("usage", "--password-file - and --backup-password-file - cannot both read standard input");
  const parsed = await readBackupFile(ctx, file);
  if (parsed.readOnly)
    throw new VaultDamagedError(
      "newer-version",
      "the backup was written by a newer otp; restoring it here could drop what this otp does not know",
      ["upgrade otp, then restore"],
    );
  if (!(await ctx.files.stat(ctx.vaultPath))) return restoreAsVault(ctx, parsed, opts);
  const vault = await openVault(ctx);
  if (vault.readOnly) throw readOnlyError();
  const backup = vetted(ctx, await openBackupFile(ctx, parsed, opts, vault));
  checkBackup(backup.data, ctx.now());
  const nowIso = new Date(ctx.now()).toISOString();
  const plan = (data: VaultData) =>
    opts.replace ? replaceRestore(data, backup.data, nowIso) : mergeRestore(data, backup.data, { newId, nowIso });
  const preview = plan(vault.data).report;
  if (opts.dryRun || !changesAnything(preview)) return printReport(ctx, preview, parsed.file, true);
  if (opts.replace && !opts.yes) {
    const n = vault.data.entries.length;
    if (!ctx.stdinIsTTY)
      throw new UsageError("usage", "not replacing the vault without confirmation", ["pass --yes, or --dry-run to see what would change"]);
    const gone = preview.removed.length;
    const loses = gone ? ` ${gone} entr${gone === 1 ? "y" : "ies"} the backup lacks will be removed.` : "";
    if (
      !(await ctx.prompts.confirm(
        `Replace the vault's ${n} entr${n === 1 ? "y" : "ies"} with the backup's ${backup.data.entries.length}?${loses} The current vault is kept as a snapshot.`,
      ))
    ) {
      ctx.info("nothing restored");
      return;
    }
  }
  const report = await updateVault(ctx, vault, (data) => {
    const r = plan(data);
    return { data: r.data, result: r.report };
  });
  printReport(ctx, report, parsed.file, false);
  ctx.hint(`the vault as it was before is kept in ${escapeForTerminal(ctx.vaultFile.snapshotDir(ctx.vaultPath))}`);
}

/** No vault here yet: the verified backup becomes the vault, byte for byte. */
async function restoreAsVault(ctx: Ctx, parsed: ParsedBackup, opts: RestoreOptions): Promise<void> {
  const backup = vetted(ctx, await openBackupFile(ctx, parsed, opts, null));
  const check = checkBackup(backup.data, ctx.now());
  const shown = escapeForTerminal(ctx.vaultPath);
  const count = `${check.entries} entr${check.entries === 1 ? "y" : "ies"}`;
  if (opts.dryRun) return ctx.info(`would create ${shown} from the backup: ${count}`);
  await ctx.files.mkdir(dirname(ctx.vaultPath), { recursive: true, mode: 0o700 });
  await ctx.process
    .critical(() => ctx.vaultFile.writeAtomic(ctx.vaultPath, parsed.bytes, null))
    .catch((err) => {
      throw err instanceof OtpError && err.kind === "vault-exists"
        ? new OtpError("vault-exists", `a vault appeared at ${ctx.vaultPath} meanwhile; run \`otp restore\` again to merge into it`)
        : err;
    });
  for (const e of backup.data.entries) ctx.data(`added ${escapeForTerminal(e.name)}`);
  ctx.info(`created ${shown} from the backup: ${count}`);
  const recovery = backup.envelope.slots.some((s) => s.kind === "recovery" || s.kind === "recovery-box");
  ctx.hint(
    `it opens with the backup's password${recovery ? " and recovery key" : ""}; \`otp passwd\` changes the password${recovery ? "" : ", `otp recovery-key new` adds a recovery key"}`,
  );
}

/**
 * A backup is data from elsewhere: its counters must be in range (else exit 2, nothing changed)
 * and its recovery codes printable (bad ones are left out, with a warning naming the entry).
 */
function vetted(ctx: Ctx, backup: OpenedBackup): OpenedBackup {
  checkEntryLimits(backup.data, "the backup");
  const v = vetEntriesRecoveryCodes(backup.data.entries);
  for (const s of v.skipped) ctx.warn(`"${s.name}": ${skippedCodesWarning(s.count)}`);
  return v.skipped.length ? { ...backup, data: { ...backup.data, entries: v.entries } } : backup;
}

function printReport(ctx: Ctx, r: RestoreReport, file: string, dry: boolean): void {
  const would = (verb: string, done: string) => (dry ? `would ${verb}` : done);
  const n = (s: string) => escapeForTerminal(s);
  for (const name of r.added) ctx.data(`${dry ? "would add" : "added"} ${n(name)}`);
  for (const name of r.restored) ctx.data(`${dry ? "would bring back" : "brought back"} ${n(name)} (the vault had removed it)`);
  for (const u of r.updated) ctx.data(`${dry ? "would update" : "updated"} ${n(u.name)}: ${u.changes.join("; ")}`);
  for (const c of r.conflicts)
    ctx.data(`${dry ? "would keep" : "kept"} both ${n(c.name)} and the backup's copy as "${n(c.keptAs)}" (${c.why})`);
  for (const x of r.renamed) ctx.data(`${dry ? "would name" : "named"} the backup's "${n(x.from)}" "${n(x.to)}" (the name was taken)`);
  for (const name of r.removed) ctx.data(`${dry ? "would remove" : "removed"} ${n(name)} (not in the backup)`);
  const parts = [
    `${would("add", "added")} ${r.added.length}`,
    `${would("bring back", "brought back")} ${r.restored.length}`,
    `${would("update", "updated")} ${r.updated.length}`,
  ];
  if (r.conflicts.length) parts.push(`${r.conflicts.length} conflict${r.conflicts.length === 1 ? "" : "s"} kept twice`);
  if (r.removed.length) parts.push(`${would("remove", "removed")} ${r.removed.length}`);
  parts.push(`${r.unchanged} already in the vault`);
  if (!changesAnything(r)) ctx.info(`nothing to restore from ${n(file)}: every entry of the backup is already in the vault`);
  else ctx.info(`${dry ? "dry run, nothing changed: " : ""}from ${n(file)}: ${parts.join(", ")}`);
  if (r.conflicts.length && !dry) ctx.hint("compare each pair's codes with the site; `otp rm` the one that no longer works");
}
