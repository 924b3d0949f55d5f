// `otp init`: create an empty vault with a password slot and (unless --no-recovery-key) a
// recovery slot, whose key is printed once, after the vault is safely on disk; a second write
// then notes that it was shown (killed in between, `otp audit` reports a key never shown).
// Refuses to touch an existing vault.
import { dirname } from "node:path";
import { AuthError, InputError, OtpError } from "../../core/errors.js";
import { emptyData } from "../../core/vault/model.js";
import { createVault, sealAndVerify } from "../../core/vault/vault.js";
import { UNSHOWN_RECOVERY_KEY, generateRecoveryKey, makeRecoverySlot, withRecoverySlot } from "../../core/vault/recovery-key.js";
import { generationOf, parseEnvelope } from "../../core/vault/format.js";
import { updateVault } from "../vault.js";
import { printRecoveryKey } from "../recovery-key.js";
import type { Ctx } from "../context.js";
import { newPassword, warnIfWeak } from "../new-password.js";

export async function run(ctx: Ctx, opts: { recoveryKey: boolean }): Promise<void> {
  const path = ctx.vaultPath;
  if (await ctx.files.stat(path))
    throw new OtpError("vault-exists", `a vault already exists at ${path}; it was left untouched`, [
      "use it, or pick another place with --vault",
    ]);
  const password = await vaultPassword(ctx);
  await makeFolder(ctx, dirname(path));
  let data = emptyData(new Date(ctx.now()).toISOString());
  let { bytes, envelope, masterKey } = await ctx.process.spinner(
    ctx.stderrIsTTY,
    "creating the vault (deriving the key takes a moment)…",
    () => createVault(password, data, ctx.newSlotKdf),
  );
  const recovery = opts.recoveryKey === false ? null : generateRecoveryKey();
  if (recovery) {
    // Written as not yet shown: if otp dies before the key is on the screen, `otp audit` says so.
    const slot = await makeRecoverySlot(envelope.vaultId, masterKey, recovery.bytes, generationOf(envelope));
    envelope = withRecoverySlot(envelope, slot);
    data = { ...data, meta: { ...data.meta, [UNSHOWN_RECOVERY_KEY]: slot.id } };
    bytes = sealAndVerify(envelope, masterKey, data);
  }
  await ctx.process.critical(() => ctx.vaultFile.writeAtomic(path, bytes, null));
  ctx.info(`created ${path}`);
  if (recovery) {
    printRecoveryKey(ctx, recovery.text);
    const opened = { envelope: parseEnvelope(bytes).envelope, masterKey, data, readOnly: false };
    await updateVault(ctx, opened, (current) => ({
      data: { ...current, meta: withoutKey(current.meta, UNSHOWN_RECOVERY_KEY) },
      result: null,
    }));
  } else ctx.warn("no recovery key: a forgotten password loses every entry (`otp recovery-key new` makes one)");
  masterKey.fill(0);
  ctx.hint("add an entry with `otp add NAME --stdin`, or `otp add` to be asked");
}

/** The vault's folder (and its parents), 0700; a parent that is a file is named in one line. */
async function makeFolder(ctx: Ctx, dir: string): Promise<void> {
  try {
    await ctx.files.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    let blocker = dir;
    while (blocker !== dirname(blocker) && !(await ctx.files.stat(blocker).then((s) => s !== null && !s.isDirectory)))
      blocker = dirname(blocker);
    if (code === "EEXIST" || code === "ENOTDIR")
      throw new OtpError(
        "io",
        `cannot create the vault's folder ${dir}: ${blocker === dirname(blocker) ? "a part of that path" : blocker} is a file, not a folder`,
        ["move that file away, or pick another place with --vault"],
      );
    throw new OtpError("io", `cannot create the vault's folder ${dir}: ${code ?? "failed"}`);
  }
}

function withoutKey(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _gone, ...rest } = o;
  return rest;
}

/** The new vault's password: OTP_PASSWORD, else the shared way (--password-file, or asked twice). */
async function vaultPassword(ctx: Ctx): Promise<string> {
  const fromEnv = ctx.passwordFile ? undefined : ctx.env.OTP_PASSWORD;
  if (fromEnv === "") throw new InputError("empty-password", "password can't be empty");
  if (fromEnv !== undefined) {
    await warnIfWeak(ctx, fromEnv, "vault");
    return fromEnv;
  }
  try {
    return await newPassword(ctx, { file: ctx.passwordFile, what: "vault", flag: "--password-file", nothingDone: "no vault was created" });
  } catch (err) {
    if (err instanceof AuthError)
      throw new AuthError(err.kind, "no password given and no terminal to ask on", ["set OTP_PASSWORD or pass --password-file FILE"]);
    throw err;
  }
}
