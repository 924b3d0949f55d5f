// `otp init`: create an empty vault with a password slot and (unless --no-recovery-key) a
// recovery slot, whose key is printed once, after the vault is safely on disk. Refuses to touch
// an existing vault.
import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { AuthError, InputError, OtpError } from "../../core/errors.js";
import { emptyData } from "../../core/vault/model.js";
import { createVault, sealAndVerify } from "../../core/vault/vault.js";
import { generateRecoveryKey, makeRecoverySlot, withRecoverySlot } from "../../core/vault/recovery-key.js";
import { printRecoveryKey } from "../recovery-key.js";
import { writeVaultAtomic } from "../../io/vault-file.js";
import type { Ctx } from "../context.js";
import { critical } from "../../io/signals.js";
import { withSpinner } from "../../io/spinner.js";
import { newPassword } from "../new-password.js";

export async function run(ctx: Ctx, opts: { recoveryKey?: boolean } = {}): Promise<void> {
  const path = ctx.vaultPath;
  if (await stat(path).then(() => true, () => false))
    throw new OtpError("vault-exists", `a vault already exists at ${path}; it was left untouched`, ["use it, or pick another place with --vault"]);
  const password = await vaultPassword(ctx);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const data = emptyData(new Date(ctx.now()).toISOString());
  let { bytes, envelope, masterKey } = await withSpinner(ctx.stderrIsTTY, "creating the vault (deriving the key takes a moment)…", () => createVault(password, data));
  const recovery = opts.recoveryKey === false ? null : generateRecoveryKey();
  if (recovery) bytes = sealAndVerify(withRecoverySlot(envelope, makeRecoverySlot(envelope.vaultId, masterKey, recovery.bytes)), masterKey, data);
  masterKey.fill(0);
  await critical(() => writeVaultAtomic(path, bytes, null));
  ctx.info(`created ${path}`);
  if (recovery) printRecoveryKey(ctx, recovery.text);
  else ctx.warn("no recovery key: a forgotten password loses every entry (`otp recovery-key new` makes one)");
  ctx.hint("add an entry with `otp add NAME --stdin`, or `otp add` to be asked");
}

/** The new vault's password: OTP_PASSWORD, else the shared way (--password-file, or asked twice). */
async function vaultPassword(ctx: Ctx): Promise<string> {
  const fromEnv = ctx.passwordFile ? undefined : ctx.env.OTP_PASSWORD;
  if (fromEnv === "") throw new InputError("empty-password", "password can't be empty");
  if (fromEnv !== undefined) return fromEnv;
  try {
    return await newPassword(ctx, { file: ctx.passwordFile, what: "vault", flag: "--password-file", nothingDone: "no vault was created" });
  } catch (err) {
    if (err instanceof AuthError) throw new AuthError(err.kind, "no password given and no terminal to ask on", ["set OTP_PASSWORD or pass --password-file FILE"]);
    throw err;
  }
}
