// `otp backup verify FILE`: opens any otp backup (or vault file) and runs the same check as
// `otp backup`: every entry decrypts and gives a code. Prints how many entries it holds and when
// it was made, and the key generation it holds. Changes nothing.
import { escapeForTerminal, safeJson } from "../../../core/text.js";
import { checkBackup } from "../../../core/vault/backup.js";
import { generationOf } from "../../../core/vault/format.js";
import type { Ctx } from "../../context.js";
import { openBackupFile, readBackupFile } from "./open.js";

export async function run(ctx: Ctx, file: string, opts: { backupPasswordFile?: string; json?: boolean }): Promise<void> {
  const parsed = await readBackupFile(ctx, file);
  const opened = await openBackupFile(ctx, parsed, opts, null);
  const check = checkBackup(opened.data, ctx.now());
  // A backup made by `otp backup` says when; any other vault file, its modification time.
  const madeAt = check.madeAt ?? new Date(parsed.mtimeMs).toISOString();
  const slots = opened.envelope.slots.map((s) => s.kind).filter((k) => k !== "unknown");
  // Which keys it is under: a backup made before a password change holds an older generation.
  const generation = generationOf(opened.envelope);
  if (opts.json) {
    const recoveryKey = slots.includes("recovery") || slots.includes("recovery-box");
    ctx.data(
      safeJson({
        file,
        ok: true,
        entries: check.entries,
        recoveryCodes: check.recoveryCodes,
        madeAt,
        madeBy: check.madeAt ? "otp backup" : "file time",
        generation,
        recoveryKey,
        readOnly: opened.readOnly,
      }),
    );
    return;
  }
  ctx.data(
    `${escapeForTerminal(file)}: verified, ${check.entries} entr${check.entries === 1 ? "y" : "ies"}, ${check.recoveryCodes} recovery code${check.recoveryCodes === 1 ? "" : "s"}, made ${madeAt.replace(/\.\d+Z$/, "Z")}, key generation ${generation}`,
  );
  if (!check.madeAt) ctx.info("it was not made by `otp backup`, so its time is the file's");
  if (opened.readOnly) ctx.warn("it was written by a newer otp: this one can read it but not restore it");
}
