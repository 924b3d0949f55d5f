// The printed recovery key and its key slot (format.ts, slot kind "recovery").
//
// Printed form: 7 groups of 5 characters joined by hyphens, like `7KQ2M-XR4TB-…`, from
// Crockford's base32 alphabet (digits and upper-case letters without I, L, O, U, so nothing
// reads as something else). In each group the first 4 characters carry 20 bits of the key
// and the 5th is a check character (Luhn mod 32 over the group's number and its 4 characters),
// so a mistyped or swapped character, or a group typed in the wrong place, is caught and the
// user is told which group to look at. 7 × 20 = 140 random bits.
//
// The key's bytes are those 140 bits, big-endian, in 18 bytes (the last 4 bits zero); the slot's
// KEK = HKDF-SHA256(key bytes, slot salt, "otp-vault/v1/recovery", 32). No stretching: 140
// random bits need none. Reading is lenient where it is safe: lower case, spaces for hyphens,
// no separators at all, and I/L/O read as 1/1/0.
import { hkdfSync } from "node:crypto";
import { AuthError, InputError, OtpError } from "../errors.js";
import { NONCE_BYTES, open, randomBytes, seal, wipe } from "./crypto.js";
import { MAX_SLOTS, SALT_BYTES, slotAD, type Envelope, type RecoverySlot } from "./format.js";
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

function kek(keyBytes: Uint8Array, salt: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", keyBytes, salt, INFO, 32));
}

/** A recovery slot wrapping masterKey under the recovery key's KEK. */
export function makeRecoverySlot(vaultId: string, masterKey: Uint8Array, keyBytes: Uint8Array): RecoverySlot {
  const slot: RecoverySlot = { kind: "recovery", id: newId(), salt: randomBytes(SALT_BYTES), nonce: randomBytes(NONCE_BYTES), wrapped: new Uint8Array(0) };
  const k = kek(keyBytes, slot.salt);
  slot.wrapped = seal(k, slot.nonce, masterKey, slotAD(vaultId, slot));
  const back = open(k, slot.nonce, slot.wrapped, slotAD(vaultId, slot));
  wipe(k);
  if (!back || !back.every((b, i) => b === masterKey[i])) throw new OtpError("verify-failed", "the new recovery slot did not open; nothing was written");
  wipe(back);
  return slot;
}

export function hasRecoverySlot(env: Envelope): boolean {
  return env.slots.some((s) => s.kind === "recovery");
}

/** env with every recovery slot replaced by `slot` (other slots kept in their order). */
export function withRecoverySlot(env: Envelope, slot: RecoverySlot): Envelope {
  const slots = [...env.slots.filter((s) => s.kind !== "recovery"), slot];
  if (slots.length > MAX_SLOTS) throw new OtpError("too-many-slots", `the vault already has ${MAX_SLOTS} key slots`);
  return { ...env, slots };
}

/**
 * The master key from the recovery key. Throws AuthError `no-recovery-key` when the vault has
 * no recovery slot and `wrong-recovery-key` when none opens.
 */
export function unlockWithRecoveryKey(env: Envelope, keyBytes: Uint8Array): Uint8Array {
  const slots = env.slots.filter((s): s is RecoverySlot => s.kind === "recovery");
  if (slots.length === 0)
    throw new AuthError("no-recovery-key", "this vault has no recovery key", ["open it with its password; then `otp recovery-key new` makes one"]);
  for (const slot of slots) {
    const k = kek(keyBytes, slot.salt);
    const key = open(k, slot.nonce, slot.wrapped, slotAD(env.vaultId, slot));
    wipe(k);
    if (key) return key;
  }
  throw new AuthError("wrong-recovery-key", "wrong recovery key: it does not open this vault", ["it is well-formed, so it may belong to another vault, or to one replaced by `otp recovery-key new`"]);
}
