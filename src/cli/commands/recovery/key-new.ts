// `otp recovery-key new`: a new recovery key for an existing vault, printed once. It replaces the
// old one (which then stops opening the vault), after a question on a terminal or with --yes.
// It is a key change (core/vault/rotate.ts), in two steps so that a crash never leaves the vault
// with a key nobody has seen and the old one gone:
// 1. new keys, with the old recovery slot re-sealed and the new one added, marked as not shown;
// 2. the key is printed;
// 3. new keys again, with only the new recovery slot, the mark cleared.
// Killed between 1 and 3, both keys open the vault and `otp audit` says to run this again. The
// second key change means the old recovery key and a copy from step 1 open nothing written later.
import { UsageError } from "../../../core/errors.js";
import { UNSHOWN_RECOVERY_KEY, generateRecoveryKey, hasRecoverySlot } from "../../../core/vault/recovery-key.js";
import { rotateKeys, type Rotation } from "../../../core/vault/rotate.js";
import type { Ctx } from "../../context.js";
import { printRecoveryKey } from "../../recovery-key.js";
import { currentPassword, reportSlots } from "../../rekey.js";
import { openVault, readOnlyError, updateVault } from "../../vault.js";

export async function run(ctx: Ctx, opts: { yes?: boolean }): Promise<void> {
  const vault = await openVault(ctx);
  if (vault.readOnly) throw readOnlyError();
  const replacing = hasRecoverySlot(vault.envelope);
  if (replacing && !opts.yes) {
    if (!ctx.stdinIsTTY)
      throw new UsageError("usage", "not replacing the vault's recovery key without confirmation", [
        "pass --yes; the old key then stops opening the vault",
      ]);
    if (!(await ctx.prompts.confirm("Replace the recovery key? The one you wrote down stops working."))) {
      ctx.info("the recovery key was left as it was");
      return;
    }
  }
  const stretched = await currentPassword(ctx, vault, "a new recovery key changes the vault's keys, which");
  const key = generateRecoveryKey();
  const first = await updateVault<Rotation>(ctx, vault, async (data, envelope, masterKey) => {
    const r = await rotateKeys(envelope, masterKey, data, stretched, {
      keep: "all",
      keyBytes: vault.recoveryKeyBytes,
      addKeyBytes: key.bytes,
    });
    return {
      data: { ...r.data, meta: { ...r.data.meta, [UNSHOWN_RECOVERY_KEY]: r.newRecoverySlot } },
      envelope: r.envelope,
      masterKey: r.masterKey,
      result: r,
    };
  });
  key.bytes.fill(0);
  // Printed only now, once it is on disk: a key shown for a write that failed would open nothing.
  printRecoveryKey(ctx, key.text);
  const newSlot = first.newRecoverySlot!;
  const second = await updateVault<Rotation>(ctx, vault, async (data, envelope, masterKey) => {
    const r = await rotateKeys(envelope, masterKey, data, stretched, { keep: { id: newSlot } });
    const { [UNSHOWN_RECOVERY_KEY]: _shown, ...meta } = r.data.meta;
    return { data: { ...r.data, meta }, envelope: r.envelope, masterKey: r.masterKey, result: r };
  });
  stretched.kek.fill(0);
  vault.masterKey.fill(0);
  const ended = await ctx.sessions.remove(vault.envelope.vaultId, ctx.vaultPath);
  if (ended > 0)
    ctx.info(
      `the vault's keys changed, so its ${ended} session${ended === 1 ? "" : "s"} ended: run \`otp unlock\` again where you need one`,
    );
  if (first.dropped.recovery || first.dropped.unknown) reportSlots(ctx, first, true);
  else if (second.dropped.unknown) reportSlots(ctx, second, true);
  if (replacing)
    ctx.info("the old recovery key no longer opens the vault, nor anything written from now on (backups made before still open with it)");
}
