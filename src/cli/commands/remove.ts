// `otp remove QUERY` (`rm`): asks on a terminal, needs --yes elsewhere. Leaves a tombstone
// so a synced copy learns of the removal; the previous vault stays among the snapshots.
import { UsageError } from "../../core/errors.js";
import { pickEntry, refuseSecretQuery } from "../pick.js";
import { escapeForTerminal } from "../../core/text.js";
import { removeEntry } from "../../core/vault/model.js";
import type { Ctx } from "../context.js";
import { openVault, updateVault } from "../vault.js";

export async function run(ctx: Ctx, query: string, opts: { yes?: boolean }): Promise<void> {
  refuseSecretQuery(query);
  const vault = await openVault(ctx);
  const entry = await pickEntry(ctx, vault.data.entries, query);
  const label = escapeForTerminal(
    entry.issuer || entry.account ? `${entry.name} (${[entry.issuer, entry.account].filter(Boolean).join(", ")})` : entry.name,
  );
  if (!opts.yes) {
    if (!ctx.stdinIsTTY)
      throw new UsageError("usage", `not removing "${escapeForTerminal(entry.name)}" without confirmation`, [
        "pass --yes to remove without a prompt",
      ]);
    if (!(await ctx.prompts.confirm(`Remove ${label}? You lose its codes unless the site has another second factor.`))) {
      ctx.info("nothing removed");
      return;
    }
  }
  await updateVault(ctx, vault, (data) => ({ data: removeEntry(data, entry.id, new Date(ctx.now()).toISOString()), result: null }));
  ctx.info(`removed ${label}`);
}
