// `otp recovery remove QUERY`: drops the entry's recovery codes (all of them, after a question on
// a terminal or with --yes), or with --used only the used ones.
import { UsageError } from "../../../core/errors.js";
import { pickEntry, refuseSecretQuery } from "../../pick.js";
import { unusedCount } from "../../../core/recovery-codes.js";
import { escapeForTerminal } from "../../../core/text.js";
import { updateEntry } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import { openVault, updateVault } from "../../vault.js";

export async function run(ctx: Ctx, query: string, opts: { used?: boolean; yes?: boolean }): Promise<void> {
  refuseSecretQuery(query);
  const vault = await openVault(ctx);
  const entry = await pickEntry(ctx, vault.data.entries, query);
  const name = escapeForTerminal(entry.name);
  const codes = entry.recoveryCodes ?? [];
  const doomed = opts.used ? codes.filter((c) => c.usedAt) : codes;
  if (doomed.length === 0) return ctx.info(`"${name}" has no ${opts.used ? "used " : ""}recovery codes; nothing removed`);
  const unused = unusedCount(codes);
  if (!opts.used && !opts.yes) {
    if (!ctx.stdinIsTTY)
      throw new UsageError("usage", `not removing the recovery codes of "${name}" without confirmation`, [
        "pass --yes, or --used to drop only the used ones",
      ]);
    if (!(await ctx.prompts.confirm(`Remove all ${codes.length} recovery codes of "${name}"${unused ? ` (${unused} unused)` : ""}?`)))
      return ctx.info("nothing removed");
  }
  const removed = await updateVault(ctx, vault, (data) => {
    const current = data.entries.find((e) => e.id === entry.id);
    if (!current) throw new UsageError("usage", `"${name}" was removed meanwhile`);
    const keep = opts.used ? (current.recoveryCodes ?? []).filter((c) => !c.usedAt) : [];
    return {
      data: updateEntry(data, entry.id, { recoveryCodes: keep }, new Date(ctx.now()).toISOString()),
      result: (current.recoveryCodes ?? []).length - keep.length,
    };
  });
  ctx.info(`removed ${removed} ${opts.used ? "used " : ""}recovery code${removed === 1 ? "" : "s"} of "${name}"`);
}
