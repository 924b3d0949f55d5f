// The backup reminder: after a change, one line on standard error when the last verified
// backup is more than 7 days older than the change (core/vault/backup-state.ts has the rule).
// OTP_NO_BACKUP_REMINDER=1 silences it.
import { reminderDue } from "../core/vault/backup-state.js";
import type { VaultData } from "../core/vault/model.js";
import type { Ctx } from "./context.js";

export function remindAboutBackup(ctx: Ctx, data: VaultData): void {
  if (ctx.env.OTP_NO_BACKUP_REMINDER === "1") return;
  const due = reminderDue(data, ctx.now());
  if (!due) return;
  ctx.hint(
    due.never
      ? `this vault has never been backed up (${due.days} days old): run \`otp backup\` (OTP_NO_BACKUP_REMINDER=1 silences this)`
      : `the last verified backup is ${due.days} days older than this change: run \`otp backup\` (OTP_NO_BACKUP_REMINDER=1 silences this)`,
  );
}
