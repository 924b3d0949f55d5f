// `otp init`: create an empty vault with a password slot and (unless --no-recovery-key) a
// recovery slot, whose key is printed once, after the vault is safely on disk. Refuses to touch
// an existing vault.
import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { InputError, OtpError } from "../../core/errors.js";
import { emptyData } from "../../core/vault/model.js";
import { createVault, sealAndVerify } from "../../core/vault/vault.js";
import { generateRecoveryKey, makeRecoverySlot, withRecoverySlot } from "../../core/vault/recovery-key.js";
import { printRecoveryKey } from "../recovery-key.js";
import { writeVaultAtomic } from "../../io/vault-file.js";
import type { Ctx } from "../context.js";
import { readPasswordFile } from "../vault.js";
import { critical } from "../../io/signals.js";
import { AuthError } from "../../core/errors.js";
import { withSpinner } from "../../io/spinner.js";

export async function run(ctx: Ctx, opts: { recoveryKey?: boolean } = {}): Promise<void> {
  const path = ctx.vaultPath;
  if (await stat(path).then(() => true, () => false))
    throw new OtpError("vault-exists", `a vault already exists at ${path}; it was left untouched`, ["use it, or pick another place with --vault"]);
  const password = await newPassword(ctx);
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

/** The new vault's password: file or OTP_PASSWORD, else asked twice on a terminal. */
async function newPassword(ctx: Ctx): Promise<string> {
  let password: string;
  if (ctx.passwordFile) password = await readPasswordFile(ctx, ctx.passwordFile);
  else if (ctx.env.OTP_PASSWORD !== undefined) password = ctx.env.OTP_PASSWORD;
  else if (ctx.stdinIsTTY) {
    const { askSecret } = await import("../../io/prompts.js");
    password = await askSecret("New vault password:");
    if (password !== "" && (await askSecret("Repeat the password:")) !== password)
      throw new InputError("password-mismatch", "the passwords didn't match; no vault was created");
  } else {
    throw new AuthError("no-password-source", "no password given and no terminal to ask on", ["set OTP_PASSWORD or pass --password-file FILE"]);
  }
  if (password === "") throw new InputError("empty-password", "password can't be empty");
  return password;
}
