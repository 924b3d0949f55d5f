// The printed recovery key and its key slot (format.ts: kind "recovery-box", and the minor-0
// kind "recovery", still opened and converted when the key is at hand).
//
// Printed form: 7 groups of 5 characters joined by hyphens, like `7KQ2M-XR4TB-…`, from
// Crockford's base32 alphabet (digits and upper-case letters without I, L, O, U, so nothing
// reads as something else). In each group the first 4 characters carry 20 bits of the key
// and the 5th is a check character (Luhn mod 32 over the group's number and its 4 characters),
// so a mistyped or swapped character, or a group typed in the wrong place, is caught and the
// user is told which group to look at. 7 × 20 = 140 random bits.
//
// The key's bytes are those 140 bits, big-endian, in 18 bytes (the last 4 bits zero). No
// stretching: 140 random bits need none. The slot is a sealed box to an X25519 key pair the
// recovery key derives, so a key change re-wraps it without the recovery key (format.ts). Reading is lenient where it is safe: lower case, spaces for hyphens,
// no separators at all, and I/L/O read as 1/1/0.
import { AuthError, InputError, OtpError, VaultDamagedError } from "../errors.js";
import {
  NONCE_BYTES,
  concatBytes,
  deriveSubkey,
  equalSecret,
  hkdfSha256,
  hmacSha256,
  open,
  randomBytes,
  seal,
  textBytes,
  wipe,
} from "./crypto.js";
import {
  MAX_SLOTS,
  SALT_BYTES,
  generationOf,
  slotAD,
  type Envelope,
  type RecoveryBoxSlot,
  type RecoverySlot,
  type Slot,
} from "./format.js";
import { loadSodium } from "./kdf.js";
import { newId } from "./vault.js";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const GROUPS = 7;
const DATA_CHARS = 4;
const GROUP_CHARS = DATA_CHARS + 1;
export const KEY_BITS = GROUPS * DATA_CHARS * 5;
const KEY_BYTES = Math.ceil(KEY_BITS / 8);
const INFO = "otp-vault/v1/recovery";

/** Luhn mod 32 check character over the group's number and its data characters. */
function checkValue(group: number, values: number[]): number {
  const n = ALPHABET.length;
  let factor = 2;
  let sum = 0;
  const input = [group, ...values];
  for (let i = input.length - 1; i >= 0; i--) {
    let addend = factor * input[i]!;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return (n - (sum % n)) % n;
}

/** The 28 five-bit values of key bytes (the first 140 bits). */
function toValues(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < GROUPS * DATA_CHARS; i++) {
    let v = 0;
    for (let b = 0; b < 5; b++) {
      const bit = i * 5 + b;
      v = (v << 1) | ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1);
    }
    out.push(v);
  }
  return out;
}

function fromValues(values: number[]): Uint8Array {
  const out = new Uint8Array(KEY_BYTES);
  values.forEach((v, i) => {
    for (let b = 0; b < 5; b++) if ((v >> (4 - b)) & 1) out[(i * 5 + b) >> 3]! |= 1 << (7 - ((i * 5 + b) & 7));
  });
  return out;
}

/** The printed form of key bytes. */
export function formatRecoveryKey(bytes: Uint8Array): string {
  const values = toValues(bytes);
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const part = values.slice(g * DATA_CHARS, (g + 1) * DATA_CHARS);
    groups.push([...part, checkValue(g, part)].map((v) => ALPHABET[v]).join(""));
  }
  return groups.join("-");
}

/** A fresh random recovery key: its bytes and its printed form. */
export function generateRecoveryKey(): { bytes: Uint8Array; text: string } {
  const bytes = randomBytes(KEY_BYTES);
  bytes[KEY_BYTES - 1]! &= 0xf0; // 140 bits: the last 4 are zero
  return { bytes, text: formatRecoveryKey(bytes) };
}

const malformed = (why: string) =>
  new InputError("malformed-recovery-key", `that is not a valid recovery key: ${why}`, [
    `a recovery key is ${GROUPS} groups of ${GROUP_CHARS} letters and digits, like ABCDE-FGHJK-…; compare it with what you wrote down`,
  ]);

/**
 * Reads a typed recovery key into its bytes. Throws InputError `malformed-recovery-key` naming
 * the group (by number, never its characters) that has a wrong length, a character recovery
 * keys never use, or a check character that does not match.
 */
export function parseRecoveryKey(text: string): Uint8Array {
  const trimmed = text.trim().toUpperCase();
  if (trimmed === "") throw malformed("it is empty");
  let groups = trimmed.split(/[\s-]+/u);
  if (groups.length === 1) {
    if (trimmed.length !== GROUPS * GROUP_CHARS) throw malformed(`it has ${trimmed.length} characters, not ${GROUPS * GROUP_CHARS}`);
    groups = trimmed.match(new RegExp(`.{${GROUP_CHARS}}`, "gu"))!;
  }
  if (groups.length !== GROUPS) throw malformed(`it has ${groups.length} groups, not ${GROUPS}`);
  const values: number[] = [];
  groups.forEach((group, g) => {
    const chars = Array.from(group);
    if (chars.length !== GROUP_CHARS) throw malformed(`group ${g + 1} has ${chars.length} characters, not ${GROUP_CHARS}`);
    const vs = chars.map((c) => ALPHABET.indexOf(c === "I" || c === "L" ? "1" : c === "O" ? "0" : c));
    if (vs.some((v) => v < 0)) throw malformed(`group ${g + 1} has a character recovery keys never use`);
    const data = vs.slice(0, DATA_CHARS);
    if (checkValue(g, data) !== vs[DATA_CHARS]) throw malformed(`group ${g + 1} has a typo (its check character does not match)`);
    values.push(...data);
  });
  return fromValues(values);
}

const hkdf = (keyBytes: Uint8Array, salt: Uint8Array, info: string) => hkdfSha256(keyBytes, salt, textBytes(info), 32);

/** What the recovery key and a slot's salt give: the box's key pair seed and the mac key. */
function boxSecrets(keyBytes: Uint8Array, salt: Uint8Array): { seed: Uint8Array; macKey: Uint8Array } {
  return { seed: hkdf(keyBytes, salt, "otp-vault/v1/recovery-box/seed"), macKey: hkdf(keyBytes, salt, "otp-vault/v1/recovery-box/mac") };
}

/** The AD of the stored mac key's wrap: the slot's identity and public key. */
const macWrapAD = (vaultId: string, slot: RecoveryBoxSlot) =>
  concatBytes(textBytes(`otp-vault/v1/recovery-mac\0${vaultId}\0${slot.id}\0`), slot.pk);

function generationBytes(g: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(g), true);
  return b;
}

/** mac = HMAC-SHA256(macKey, box AD ‖ generation ‖ sealed): format.ts. */
function boxMac(vaultId: string, slot: RecoveryBoxSlot, generation: number, macKey: Uint8Array): Uint8Array {
  return hmacSha256(macKey, slotAD(vaultId, slot), generationBytes(generation), slot.sealed);
}

/** Seals masterKey into the slot for this generation: sealed box, the mac key wrapped under masterKey, the mac. */
async function sealBox(
  vaultId: string,
  base: Omit<RecoveryBoxSlot, "nonce" | "macKey" | "sealed" | "mac">,
  macKey: Uint8Array,
  masterKey: Uint8Array,
  generation: number,
): Promise<RecoveryBoxSlot> {
  const sodium = await loadSodium();
  const slot: RecoveryBoxSlot = {
    ...base,
    nonce: randomBytes(NONCE_BYTES),
    macKey: new Uint8Array(0),
    sealed: sodium.crypto_box_seal(masterKey, base.pk),
    mac: new Uint8Array(0),
  };
  const wrapKey = deriveSubkey(masterKey, "recovery-mac");
  slot.macKey = seal(wrapKey, slot.nonce, macKey, macWrapAD(vaultId, slot));
  wipe(wrapKey);
  slot.mac = boxMac(vaultId, slot, generation, macKey);
  return slot;
}

/** A recovery slot for masterKey at this generation, from the recovery key's bytes; checked by opening it again. */
export async function makeRecoverySlot(
  vaultId: string,
  masterKey: Uint8Array,
  keyBytes: Uint8Array,
  generation: number,
): Promise<RecoveryBoxSlot> {
  const sodium = await loadSodium();
  const salt = randomBytes(SALT_BYTES);
  const { seed, macKey } = boxSecrets(keyBytes, salt);
  const { publicKey, privateKey } = sodium.crypto_box_seed_keypair(seed);
  wipe(seed, privateKey);
  const slot = await sealBox(vaultId, { kind: "recovery-box", id: newId(), salt, pk: publicKey }, macKey, masterKey, generation);
  wipe(macKey);
  const back = await openBox(vaultId, slot, generation, keyBytes);
  if (!back || !back.every((b, i) => b === masterKey[i]))
    throw new OtpError("verify-failed", "the new recovery slot did not open; nothing was written");
  wipe(back);
  return slot;
}

/**
 * The slot re-wrapped for a new master key and generation, without the recovery key: the mac
 * key comes out of its wrap under the old master key. Throws VaultDamagedError when it does not.
 */
export async function resealRecoverySlot(
  vaultId: string,
  slot: RecoveryBoxSlot,
  oldMasterKey: Uint8Array,
  newMasterKey: Uint8Array,
  newGeneration: number,
): Promise<RecoveryBoxSlot> {
  const wrapKey = deriveSubkey(oldMasterKey, "recovery-mac");
  const macKey = open(wrapKey, slot.nonce, slot.macKey, macWrapAD(vaultId, slot));
  wipe(wrapKey);
  if (!macKey) throw new VaultDamagedError("corrupted", "the vault's recovery slot is damaged (its mac key does not open)");
  const out = await sealBox(
    vaultId,
    { kind: "recovery-box", id: slot.id, salt: slot.salt, pk: slot.pk },
    macKey,
    newMasterKey,
    newGeneration,
  );
  wipe(macKey);
  return out;
}

/**
 * The master key in a box slot, or null when the recovery key is not this slot's (another
 * public key). Throws VaultDamagedError when the public key matches but the mac does not: the
 * slot was not written by this vault (a file forged around another master key) or was damaged.
 */
async function openBox(vaultId: string, slot: RecoveryBoxSlot, generation: number, keyBytes: Uint8Array): Promise<Uint8Array | null> {
  const sodium = await loadSodium();
  const { seed, macKey } = boxSecrets(keyBytes, slot.salt);
  const { publicKey, privateKey } = sodium.crypto_box_seed_keypair(seed);
  wipe(seed);
  try {
    if (!equalSecret(publicKey, slot.pk)) return null;
    const mac = boxMac(vaultId, slot, generation, macKey);
    if (!equalSecret(mac, slot.mac))
      throw new VaultDamagedError("corrupted", "the vault's recovery slot does not check out (damaged, or not written by this vault)", [
        "restore a snapshot or a backup, or open it with the password",
      ]);
    try {
      return sodium.crypto_box_seal_open(slot.sealed, slot.pk, privateKey);
    } catch {
      throw new VaultDamagedError("corrupted", "the vault's recovery slot is damaged (its sealed key does not open)");
    }
  } finally {
    wipe(macKey, privateKey);
  }
}

/** Whether the recovery key is the one this slot was made for (no master key needed). */
export async function recoveryKeyFits(slot: RecoverySlot | RecoveryBoxSlot, keyBytes: Uint8Array, vaultId = ""): Promise<boolean> {
  if (slot.kind === "recovery-box") {
    const sodium = await loadSodium();
    const { seed, macKey } = boxSecrets(keyBytes, slot.salt);
    const { publicKey, privateKey } = sodium.crypto_box_seed_keypair(seed);
    wipe(seed, macKey, privateKey);
    return equalSecret(publicKey, slot.pk);
  }
  const k = legacyKek(keyBytes, slot.salt);
  const key = open(k, slot.nonce, slot.wrapped, slotAD(vaultId, slot));
  wipe(k, key);
  return key !== null;
}

/** The minor-0 recovery slot's KEK. */
function legacyKek(keyBytes: Uint8Array, salt: Uint8Array): Uint8Array {
  return hkdf(keyBytes, salt, INFO);
}

/**
 * meta member naming the recovery slot whose key has not been shown yet: set by the write that
 * makes it, cleared by the write after the key was printed (init, recovery-key new). Left set,
 * `otp audit` reports it.
 */
export const UNSHOWN_RECOVERY_KEY = "unshownRecoveryKey";

export const isRecoverySlot = (s: Slot): s is RecoverySlot | RecoveryBoxSlot => s.kind === "recovery" || s.kind === "recovery-box";

export function hasRecoverySlot(env: Envelope): boolean {
  return env.slots.some(isRecoverySlot);
}

/** env with every recovery slot replaced by `slot` (other slots kept in their order). */
export function withRecoverySlot(env: Envelope, slot: RecoveryBoxSlot): Envelope {
  const slots = [...env.slots.filter((s) => !isRecoverySlot(s)), slot];
  if (slots.length > MAX_SLOTS) throw new OtpError("too-many-slots", `the vault already has ${MAX_SLOTS} key slots`);
  return { ...env, slots };
}

/**
 * The master key from the recovery key. Throws AuthError `no-recovery-key` when the vault has
 * no recovery slot and `wrong-recovery-key` when none opens; VaultDamagedError for a box slot
 * whose public key matches but whose mac does not.
 */
export async function unlockWithRecoveryKey(env: Envelope, keyBytes: Uint8Array): Promise<Uint8Array> {
  const slots = env.slots.filter(isRecoverySlot);
  if (slots.length === 0)
    throw new AuthError("no-recovery-key", "this vault has no recovery key", [
      "open it with its password; then `otp recovery-key new` makes one",
    ]);
  for (const slot of slots) {
    if (slot.kind === "recovery-box") {
      const key = await openBox(env.vaultId, slot, generationOf(env), keyBytes);
      if (key) return key;
      continue;
    }
    const k = legacyKek(keyBytes, slot.salt);
    const key = open(k, slot.nonce, slot.wrapped, slotAD(env.vaultId, slot));
    wipe(k);
    if (key) return key;
  }
  throw new AuthError("wrong-recovery-key", "wrong recovery key: it does not open this vault", [
    "it is well-formed, so it may belong to another vault, or to one replaced by `otp recovery-key new`",
  ]);
}

/** A minor-0 recovery slot for tests and fixtures of old vaults: a symmetric wrap under the key's HKDF. */
export function makeLegacyRecoverySlot(vaultId: string, masterKey: Uint8Array, keyBytes: Uint8Array): RecoverySlot {
  const slot: RecoverySlot = {
    kind: "recovery",
    id: newId(),
    salt: randomBytes(SALT_BYTES),
    nonce: randomBytes(NONCE_BYTES),
    wrapped: new Uint8Array(0),
  };
  const k = legacyKek(keyBytes, slot.salt);
  slot.wrapped = seal(k, slot.nonce, masterKey, slotAD(vaultId, slot));
  wipe(k);
  return slot;
}
