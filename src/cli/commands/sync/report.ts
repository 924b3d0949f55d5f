// What `otp sync` and `otp sync init` say when done (stderr), and the guards they share:
// the vault's folder must be a sync repository, and names doubled by a merge are pointed out.
import { OtpError } from "../../../core/errors.js";
import { changeSummary } from "../../../core/vault/changes.js";
import type { VaultData } from "../../../core/vault/model.js";
import { escapeForTerminal } from "../../../core/text.js";
import type { Ctx } from "../../context.js";
import type { SyncResult } from "./exchange.js";
import { gitIn } from "./repo.js";
import { syncRepoOf, vaultPlace, type SyncRepo } from "./where.js";

/** The vault's sync repository. Throws OtpError `not-synced` (exit 1) with the way to start. */
export function requireSyncRepo(ctx: Ctx): SyncRepo {
  const repo = syncRepoOf(ctx, ctx.vaultPath);
  if (!repo)
    throw new OtpError("not-synced", `the vault's folder ${vaultPlace(ctx, ctx.vaultPath).dir} is not a sync repository`, [
      "start with `otp sync init REMOTE` (a bare repository, an ssh or https URL of an empty or synced repository)",
    ]);
  return repo;
}

/** Remembers when this machine last synced, for `otp sync status` (local git config, never pushed). */
export async function recordSync(ctx: Ctx, repo: SyncRepo): Promise<void> {
  await gitIn(ctx, repo.dir)(["config", "otp.lastSync", new Date(ctx.now()).toISOString()], { allowFail: true });
}

export function reportSync(ctx: Ctx, r: SyncResult): void {
  const here = changeSummary(r.changes);
  const pulled =
    r.pulled === "none"
      ? "nothing new from the remote"
      : r.pulled === "merge"
        ? "merged with the remote entry by entry"
        : "took the remote's changes";
  const pushed = r.pushed ? "pushed" : "nothing to push";
  ctx.info(`synced with ${r.remote} (${r.branch}): ${pulled}${here ? ` (${here} here)` : ""}; ${pushed}`);
  if (r.tookRemoteKeys) ctx.info("the vault's password was changed on another machine: from now on it opens with that password here too");
  warnDoubledNames(ctx, r.data);
}

/** Two machines that each added "github" now have two: say so (a query for it would ask which). */
export function warnDoubledNames(ctx: Ctx, data: VaultData): void {
  const seen = new Map<string, number>();
  for (const e of data.entries) seen.set(e.name.toLowerCase(), (seen.get(e.name.toLowerCase()) ?? 0) + 1);
  for (const [name, n] of seen)
    if (n > 1)
      ctx.warn(
        `${n} entries are named "${escapeForTerminal(name)}" now; rename one with \`otp edit "${escapeForTerminal(name)}" --name …\` (\`otp list\` shows them)`,
      );
}
