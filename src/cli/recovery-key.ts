// The recovery key at the command line: printing a new one (once, on standard output, with the
// advice on standard error) and reading one to open the vault (OTP_RECOVERY_KEY, else a hidden
// prompt with three tries).
import { AuthError, InputError } from "../core/errors.js";
import { parseRecoveryKey, unlockWithRecoveryKey } from "../core/vault/recovery-key.js";
import { openData } from "../core/vault/vault.js";
import type { Ctx } from "./context.js";
import { readEnvelope, type OpenedVault } from "./vault.js";

/**
 * Prints a new recovery key. The key alone goes to standard output, as data: a script that
 * runs `otp init > key.txt` keeps it, and it never lands in a log of standard error.
 */
export function printRecoveryKey(ctx: Ctx, text: string): void {
  if (ctx.stdoutIsTTY) {
    ctx.info("your recovery key (shown this once; write it down on paper and keep it apart from this computer):");
    ctx.data(`\n    ${text}\n`);
    ctx.info("with it, `otp unlock --recovery-key` opens the vault when the password is forgotten");
  } else {
    ctx.data(text);
    ctx.info("the recovery key was printed on standard output, this once: keep it safe and apart from this computer");
  }
}

/** Opens the vault with the recovery key from OTP_RECOVERY_KEY or a hidden prompt. */
export async function openWithRecoveryKey(ctx: Ctx): Promise<OpenedVault> {
  const { envelope, readOnly } = await readEnvelope(ctx);
  const fromEnv = ctx.env.OTP_RECOVERY_KEY;
  if (fromEnv) {
    const recoveryKeyBytes = parseRecoveryKey(fromEnv);
    const masterKey = await unlockWithRecoveryKey(envelope, recoveryKeyBytes);
    return { envelope, masterKey, data: openData(envelope, masterKey), readOnly, recoveryKeyBytes };
  }
  if (!ctx.canPrompt())
    throw new AuthError("no-password-source", "no recovery key given and no terminal to ask on", ["set OTP_RECOVERY_KEY to the key"]);
  const check = async (answer: string): Promise<OpenedVault> => {
    const recoveryKeyBytes = parseRecoveryKey(answer);
    const masterKey = await unlockWithRecoveryKey(envelope, recoveryKeyBytes);
    return { envelope, masterKey, data: openData(envelope, masterKey), readOnly, recoveryKeyBytes };
  };
  const retry = (err: unknown, attempt: number) =>
    (err instanceof InputError || (err instanceof AuthError && err.kind === "wrong-recovery-key")) && attempt < 3
      ? `${err.message}; try again`
      : null;
  return ctx.prompts.secretChecked("Recovery key (hidden):", check, retry, (m) => ctx.warn(m));
}
