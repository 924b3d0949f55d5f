// A key change (`otp passwd`, `otp recovery-key new`): a new random master key, the payload
// re-encrypted under it, every slot that stays re-wrapped, and the key generation one higher
// (format.ts). An old copy of the vault opened with an old password or recovery key then opens
// nothing written after the change, and sessions made under the old key stop working.
// Which slots stay:
// - password: one slot, the password given (its KEK stretched beforehand, outside the lock);
// - recovery-box: re-sealed to its public key (no recovery key needed), or replaced by a new one;
// - a minor-0 recovery slot: converted to a recovery-box slot when the recovery key is at hand
//   (the vault was opened with it), else dropped: the caller says the key stopped working;
// - kinds this otp does not know: dropped (they cannot be re-wrapped).
// The retired master key goes into the payload's prior keys (prior-keys.ts). Pure but for the
// sealed box (libsodium).
import { KEY_BYTES, randomBytes } from "./crypto.js";
import { generationOf, withGeneration, type Envelope, type RecoveryBoxSlot, type Slot } from "./format.js";
import type { VaultData } from "./model.js";
import { withPriorKeys } from "./prior-keys.js";
import { isRecoverySlot, makeRecoverySlot, recoveryKeyFits, resealRecoverySlot } from "./recovery-key.js";
import { passwordSlotFrom, type StretchedPassword } from "./vault.js";

export interface RecoveryPlan {
  /** the recovery slots that follow the new key: all of them, none, or only the one with this id */
  keep: "all" | "none" | { id: string };
  /** the recovery key, when it is at hand (the vault was opened with it): converts a minor-0 slot it opens */
  keyBytes?: Uint8Array;
  /** a new recovery key to make a slot for */
  addKeyBytes?: Uint8Array;
}

export interface Rotation {
  envelope: Envelope;
  masterKey: Uint8Array;
  data: VaultData;
  /** slots that could not follow the new key */
  dropped: { recovery: boolean; unknown: number };
  /** the id of the slot made for a new recovery key, if any */
  newRecoverySlot?: string;
}

/** The vault under a new master key at the next generation: see the top of this file. */
export async function rotateKeys(
  env: Envelope,
  oldKey: Uint8Array,
  data: VaultData,
  password: StretchedPassword,
  recovery: RecoveryPlan,
): Promise<Rotation> {
  const masterKey = randomBytes(KEY_BYTES);
  const generation = generationOf(env) + 1;
  const slots: Slot[] = [passwordSlotFrom(env.vaultId, masterKey, password)];
  const dropped = { recovery: false, unknown: env.slots.filter((s) => s.kind === "unknown").length };
  let newRecoverySlot: string | undefined;
  const old = env.slots
    .filter(isRecoverySlot)
    .filter((s) => recovery.keep === "all" || (typeof recovery.keep === "object" && s.id === recovery.keep.id));
  const atHand = recovery.keyBytes;
  let converted = atHand
    ? (await Promise.all(old.map((s) => s.kind === "recovery-box" && recoveryKeyFits(s, atHand)))).some(Boolean)
    : false;
  for (const s of old) {
    if (s.kind === "recovery-box") slots.push(await resealRecoverySlot(env.vaultId, s, oldKey, masterKey, generation));
    else if (atHand && !converted && (await recoveryKeyFits(s, atHand, env.vaultId))) {
      slots.push(await makeRecoverySlot(env.vaultId, masterKey, atHand, generation));
      converted = true;
    } else dropped.recovery = true;
  }
  if (recovery.addKeyBytes) {
    const slot: RecoveryBoxSlot = await makeRecoverySlot(env.vaultId, masterKey, recovery.addKeyBytes, generation);
    slots.push(slot);
    newRecoverySlot = slot.id;
  }
  const envelope = withGeneration({ ...env, slots }, generation);
  return { envelope, masterKey, data: withPriorKeys(data, [{ generation: generationOf(env), key: oldKey }]), dropped, newRecoverySlot };
}
