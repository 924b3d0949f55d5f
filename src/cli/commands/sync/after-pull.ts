// `otp --vault PATH sync after-pull` (hidden): what the post-merge hook otp sets up runs after a
// plain `git pull`. A pull that only fast-forwards calls no merge driver, so git writes the
// remote's vault.otp as it is; this puts the vault back when that copy is of an older key
// generation than this machine has seen on the remote (a rollback pushed by someone with push
// access: it would bring an old password back). No key is needed: the generation is in the
// header. Anything else a fast-forward brings is merged by the next `otp sync`.
import { VaultDamagedError } from "../../../core/errors.js";
import { generationOf, parseEnvelope } from "../../../core/vault/format.js";
import type { Ctx } from "../../context.js";
import { gitIn, seenGeneration, setSeenGeneration, vaultAt } from "./repo.js";
import { requireSyncRepo } from "./report.js";
import { underVaultLock } from "../../vault.js";

export async function run(ctx: Ctx): Promise<void> {
  const repo = requireSyncRepo(ctx);
  const g = gitIn(ctx, repo.dir);
  const seen = await seenGeneration(g);
  const before = await vaultAt(g, repo, "ORIG_HEAD");
  const put = await underVaultLock(ctx, async (file, write) => {
    const pulled = generationOf(parseEnvelope(file.bytes).envelope);
    if (pulled >= seen || !before || generationOf(parseEnvelope(before).envelope) < seen) return { pulled, back: false };
    await write(before);
    return { pulled, back: true };
  });
  if (put.pulled >= seen) return setSeenGeneration(g, put.pulled);
  throw new VaultDamagedError(
    "remote-rolled-back",
    `this pull brought an older vault than this machine has seen on the remote (key generation ${put.pulled}, seen ${seen})${put.back ? "; the vault here was put back as it was before the pull" : ""}`,
    [
      `someone pushed an old copy: \`otp sync\` refuses it too; check the remote's history (\`git -C ${repo.dir} log --stat\`), then put this machine's vault back there with \`git -C ${repo.dir} push --force\``,
    ],
  );
}
