// `otp passwd`: a new password, and with it new keys (core/vault/rotate.ts): a new master key,
// the entries re-encrypted, the recovery slot re-sealed, the key generation one higher. An old
// copy (a snapshot, the sync history, a backup under the vault's keys) opened with the old
// password opens nothing written from now on, and every session of the vault ends. KDF settings:
// today's, or the vault's own if higher. Backups with a password of their own keep it.
import { UsageError } from "../../core/errors.js";
import { rotateKeys, type Rotation } from "../../core/vault/rotate.js";
import { reportSlots } from "../rekey.js";
import { hasRecoverySlot } from "../../core/vault/recovery-key.js";
import { strongestParams, stretchPassword } from "../../core/vault/vault.js";
import type { Ctx } from "../context.js";
import { newPassword } from "../new-password.js";
import { openVault, readOnlyError, updateVault } from "../vault.js";

export async function run(ctx: Ctx, opts: { newPasswordFile?: string }): Promise<void> {
  if (opts.newPasswordFile === "-" && ctx.passwordFile === "-")
    throw new UsageError("usage", "--password-file - and --new-password-file - cannot both read standard input");
  const vault = await openVault(ctx);
  if (vault.readOnly) throw readOnlyError();
  const password = await newPassword(ctx, {
    file: opts.newPasswordFile,
    what: "vault",
    flag: "--new-password-file",
    nothingDone: "the password was not changed",
  });
  const stretched = await ctx.process.spinner(ctx.stderrIsTTY, "deriving the new key…", () =>
    stretchPassword(password, strongestParams(vault.envelope, ctx.newSlotKdf)),
  );
  const rotation = await updateVault<Rotation>(ctx, vault, async (data, envelope, key) => {
    const r = await rotateKeys(envelope, key, data, stretched, { keep: "all", keyBytes: vault.recoveryKeyBytes });
    return { data: r.data, envelope: r.envelope, masterKey: r.masterKey, result: r };
  });
  stretched.kek.fill(0);
  const ended = await ctx.sessions.remove(vault.envelope.vaultId, ctx.vaultPath);
  vault.masterKey.fill(0);
  ctx.info(
    "password changed, and the vault's keys with it: copies made before (snapshots, the sync history, backups) open nothing written from now on",
  );
  reportSlots(ctx, rotation, hasRecoverySlot(rotation.envelope));
  if (ended > 0) ctx.info(`ended ${ended} session${ended === 1 ? "" : "s"}: run \`otp unlock\` again where you need one`);
  ctx.hint("backups keep the password they were made with; `otp backup` makes one with the new password");
}
