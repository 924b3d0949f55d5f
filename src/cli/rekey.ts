// What `otp passwd` and `otp recovery-key new` share around a key change (core/vault/rotate.ts):
// the vault's password stretched for the new key's slot, and what they say about slots that
// could not follow the new keys.
import { AuthError } from "../core/errors.js";
import type { Rotation } from "../core/vault/rotate.js";
import { unlockAndStretch, type StretchedPassword } from "../core/vault/vault.js";
import type { Ctx } from "./context.js";
import { threeTries, type OpenedVault } from "./vault.js";

/**
 * The vault's current password, stretched for its slot: a key change re-makes the password slot
 * for the new master key, so it needs the password even when a session or the recovery key
 * opened the vault. From the unlock that already ran, else a hidden prompt (three tries);
 * off a terminal, AuthError `no-password-source` (exit 4).
 */
export async function currentPassword(ctx: Ctx, vault: OpenedVault, why: string): Promise<StretchedPassword> {
  if (vault.stretched) return vault.stretched;
  if (!ctx.canPrompt())
    throw new AuthError("no-password-source", `${why} needs the vault's password (a session or the recovery key is not enough)`, [
      "give it with OTP_PASSWORD or --password-file FILE; forgot it? set a new one with `otp passwd` first (the recovery key opens the vault for it)",
    ]);
  const check = async (password: string) => {
    const { key, stretched } = await unlockAndStretch(vault.envelope, password);
    key.fill(0);
    return stretched;
  };
  return ctx.prompts.secretChecked("Vault password:", check, threeTries, (m) => ctx.warn(m));
}

/** What could not follow the new keys. */
export function reportSlots(ctx: Ctx, r: Rotation, recoveryLeft: boolean): void {
  if (r.dropped.recovery)
    ctx.warn(
      "the old recovery key stopped working: its slot, from an older otp, cannot follow new keys without the key itself" +
        (recoveryLeft ? "" : "; make a new one with `otp recovery-key new` (or keep it by running `otp passwd` with OTP_RECOVERY_KEY set)"),
    );
  else if (recoveryLeft) ctx.info("the recovery key still opens the vault");
  if (r.dropped.unknown > 0)
    ctx.warn(
      `${r.dropped.unknown} key slot${r.dropped.unknown === 1 ? "" : "s"} written by a newer otp could not follow the new keys and ${r.dropped.unknown === 1 ? "was" : "were"} removed`,
    );
}
