// `otp recovery-key new`: a new recovery key for an existing vault, printed once. It replaces the
// old one (which then stops opening the vault), after a question on a terminal or with --yes.
import { UsageError } from "../../core/errors.js";
import { generateRecoveryKey, hasRecoverySlot, makeRecoverySlot, withRecoverySlot } from "../../core/vault/recovery-key.js";
import type { Ctx } from "../context.js";
import { printRecoveryKey } from "../recovery-key.js";
import { openVault, readOnlyError, updateVault } from "../vault.js";

export async function run(ctx: Ctx, opts: { yes?: boolean }): Promise<void> {
  const vault = await openVault(ctx);
  if (vault.readOnly) throw readOnlyError();
  const replacing = hasRecoverySlot(vault.envelope);
  if (replacing && !opts.yes) {
    if (!ctx.stdinIsTTY) throw new UsageError("not replacing the vault's recovery key without confirmation", ["pass --yes; the old key then stops opening the vault"]);
    const { askConfirm } = await import("../../io/prompts.js");
    if (!(await askConfirm("Replace the recovery key? The one you wrote down stops working."))) {
      ctx.info("the recovery key was left as it was");
      return;
    }
  }
  const key = generateRecoveryKey();
  const slot = makeRecoverySlot(vault.envelope.vaultId, vault.masterKey, key.bytes);
  key.bytes.fill(0);
  await updateVault(ctx, vault, (data, envelope) => ({ data, result: null, envelope: withRecoverySlot(envelope, slot) }));
  vault.masterKey.fill(0);
  // Printed only now, once it is on disk: a key shown for a write that failed would open nothing.
  printRecoveryKey(ctx, key.text);
  if (replacing) ctx.info("the old recovery key no longer opens the vault (backups made before still open with it)");
}
