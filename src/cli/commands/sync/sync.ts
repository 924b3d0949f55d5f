// `otp sync`: pull, merge entry by entry, push (cli/commands/sync/exchange.ts). Needs the key, like any
// command that changes the vault; a remote that is offline, damaged or another vault's leaves
// this vault as it was and says why in one line.
import type { Ctx } from "../../context.js";
import { syncWithRemote } from "./exchange.js";
import { setDriver } from "./repo.js";
import { recordSync, reportSync, requireSyncRepo } from "./report.js";
import { openVault } from "../../vault.js";

export async function run(ctx: Ctx): Promise<void> {
  const repo = requireSyncRepo(ctx);
  await setDriver(ctx, repo); // keeps `git pull` working after otp moved or was upgraded
  const opened = await openVault(ctx);
  const vaultId = opened.envelope.vaultId;
  const result = await syncWithRemote(ctx, repo, opened);
  await recordSync(ctx, repo);
  // Under another machine's new keys now: sessions made here under the old ones are gone.
  if (result.tookRemoteKeys) await ctx.sessions.remove(vaultId, ctx.vaultPath);
  reportSync(ctx, result);
}
