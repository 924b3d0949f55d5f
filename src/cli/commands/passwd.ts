// `otp passwd`: a new password for the vault. Only the password slot is rewritten (same master
// key, entries untouched, the recovery key still works), with today's KDF settings or the
// vault's own if higher. Every session of the vault ends. Backups keep the password they were
// made with.
import { UsageError } from "../../core/errors.js";
import { makePasswordSlot, strongestParams, withPasswordSlot } from "../../core/vault/vault.js";
import { removeSessions } from "../../io/session.js";
import type { Ctx } from "../context.js";
import { newPassword } from "../new-password.js";
import { openVault, readOnlyError, updateVault } from "../vault.js";
import { withSpinner } from "../../io/spinner.js";

export async function run(ctx: Ctx, opts: { newPasswordFile?: string }): Promise<void> {
  if (opts.newPasswordFile === "-" && ctx.passwordFile === "-")
    throw new UsageError("--password-file - and --new-password-file - cannot both read standard input");
  const vault = await openVault(ctx);
  if (vault.readOnly) throw readOnlyError();
  const password = await newPassword(ctx, { file: opts.newPasswordFile, what: "vault", flag: "--new-password-file", nothingDone: "the password was not changed" });
  const slot = await withSpinner(ctx.stderrIsTTY, "deriving the new key…", () => makePasswordSlot(vault.envelope.vaultId, vault.masterKey, password, strongestParams(vault.envelope)));
  await updateVault(ctx, vault, (data, envelope) => ({ data, result: null, envelope: withPasswordSlot(envelope, slot) }));
  const ended = await removeSessions(ctx.env, vault.envelope.vaultId);
  vault.masterKey.fill(0);
  ctx.info("password changed; the entries and the recovery key are as they were");
  if (ended > 0) ctx.info(`ended ${ended} session${ended === 1 ? "" : "s"}: run \`otp unlock\` again where you need one`);
  ctx.hint("backups keep the password they were made with; `otp backup` makes one with the new password");
}
