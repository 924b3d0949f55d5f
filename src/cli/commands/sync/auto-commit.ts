// The one hook every vault write passes (updateVault in cli/vault.ts calls it, under the lock,
// once the new vault is on disk): when the vault's folder is a sync repository, commit the
// change, named by action and entry ids, never by name, secret, issuer or account. A commit
// that fails is a warning: the write stands, and the next `otp sync` commits what is left.
// Kept light: a vault outside a sync repository costs two file checks, and git's modules
// load only inside one.
import { OtpError } from "../../../core/errors.js";
import type { VaultData } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import { syncRepoOf } from "./where.js";

export async function commitVaultChange(ctx: Ctx, before: VaultData, after: VaultData, keysChanged = false): Promise<void> {
  const repo = syncRepoOf(ctx, ctx.vaultPath);
  if (!repo) return;
  try {
    const [{ commitVaultFile }, { commitMessage, entryChanges, otherChange }] = await Promise.all([
      import("./repo.js"),
      import("../../../core/vault/changes.js"),
    ]);
    await commitVaultFile(ctx, repo, commitMessage(entryChanges(before, after), otherChange(before, after, keysChanged)));
  } catch (err) {
    const why = err instanceof OtpError ? err.message : "git failed";
    ctx.warn(`the vault is saved, but the change was not committed for sync (${why}); \`otp sync\` will commit it`);
  }
}
