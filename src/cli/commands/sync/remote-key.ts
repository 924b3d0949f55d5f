// The key of a copy of the vault that this machine's keys do not open: another machine changed
// the password (or the recovery key) since they last met, so the copy is under newer keys. Its
// password comes from --password-file, OTP_PASSWORD or the recovery key in OTP_RECOVERY_KEY
// (which still opens it: a key change re-seals the recovery slot), else a hidden prompt on a
// terminal; off a terminal, exit 4 with the way to give it. Asked before the vault's lock is taken.
import { AuthError } from "../../../core/errors.js";
import { generationOf, type Envelope } from "../../../core/vault/format.js";
import { parseRecoveryKey, unlockWithRecoveryKey } from "../../../core/vault/recovery-key.js";
import { unlockWithPassword } from "../../../core/vault/vault.js";
import type { Ctx } from "../../context.js";
import { readPasswordFile, threeTries } from "../../vault.js";

/** Raised under the lock when a copy needs a key this machine lacks; the caller gets it and tries again. */
export class NeedsKeyError extends AuthError {
  constructor(
    readonly envelope: Envelope,
    readonly side: string,
  ) {
    super(
      "new-keys-elsewhere",
      `the ${side} is under newer keys (its password was changed on another machine, key generation ${generationOf(envelope)})`,
      [
        "give its password with OTP_PASSWORD or --password-file (or the recovery key in OTP_RECOVERY_KEY), or run `otp sync` on a terminal to be asked",
      ],
    );
  }
}

/** The master key of `need.envelope` from the password sources above. Throws AuthError (exit 4) when none opens it. */
export async function keyForCopy(ctx: Ctx, need: NeedsKeyError, interactive = true): Promise<Uint8Array> {
  const env = need.envelope;
  const tryPassword = (pw: string) =>
    ctx.process.spinner(ctx.stderrIsTTY, "opening it with that password…", () => unlockWithPassword(env, pw)).catch(() => null);
  const given = [ctx.passwordFile ? await readPasswordFile(ctx, ctx.passwordFile).catch(() => null) : null, ctx.env.OTP_PASSWORD || null];
  for (const pw of given) {
    const key = pw === null ? null : await tryPassword(pw);
    if (key) return key;
  }
  if (ctx.env.OTP_RECOVERY_KEY) {
    const key = await unlockWithRecoveryKey(env, parseRecoveryKey(ctx.env.OTP_RECOVERY_KEY)).catch(() => null);
    if (key) return key;
  }
  if (!interactive || !ctx.canPrompt()) throw need;
  ctx.info(`${need.message}: it opens with the password set there`);
  const check = async (pw: string) => {
    const key = await unlockWithPassword(env, pw).catch(() => null);
    if (!key) throw new AuthError("wrong-password", `wrong password for the ${need.side}`, need.hints);
    return key;
  };
  return ctx.prompts.secretChecked("The vault's new password:", check, threeTries, (m) => ctx.warn(m));
}
