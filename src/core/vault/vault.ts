// Creating, unlocking, opening and sealing a vault: the key slots and the payload.
// A random 256-bit master key encrypts the payload; each slot wraps it under a key derived
// from one secret, so a password change rewrites one slot and never the entries' key.
import { AuthError, OtpError, VaultDamagedError } from "../errors.js";
import { KEY_BYTES, NONCE_BYTES, deriveSubkey, open, pad, randomBytes, seal, unpad, wipe } from "./crypto.js";
import {
  FORMAT_MINOR,
  FORMAT_VERSION,
  SALT_BYTES,
  headerAD,
  parseEnvelope,
  serializeEnvelope,
  slotAD,
  type Envelope,
  type PasswordSlot,
  type Slot,
} from "./format.js";
import { DEFAULT_ARGON2, argon2id, type Argon2Params } from "./kdf.js";
import { parseData, serializeData, type VaultData } from "./model.js";
import { checkSealedFits } from "./size.js";
import { SEGMENTED_MINOR, indexOfEntries, openIndex, openSegments, sealSegments, type VaultIndex } from "./payload.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const PAYLOAD_SUBKEY = "payload";

// Ids are drawn from a pool of random bytes, refilled 4 KiB at a time: a call to
// getRandomValues per id cost ~14 µs (Web Crypto's argument checks), 0.8 s of an import of
// 60,000 entries. Ids are not secret (commit messages carry them), so the pool needs no wiping.
const ID_BYTES = 16;
let idPool: Uint8Array = new Uint8Array(0);
let idAt = 0;

/** A new entry id: 128 random bits, in hex. */
export function newId(): string {
  if (idAt + ID_BYTES > idPool.length) ((idPool = randomBytes(256 * ID_BYTES)), (idAt = 0));
  idAt += ID_BYTES;
  return hex(idPool.subarray(idAt - ID_BYTES, idAt));
}

/** A password stretched for a slot: its KDF settings and salt, and the KEK they give. */
export interface StretchedPassword {
  kdf: PasswordSlot["kdf"];
  kek: Uint8Array;
}

/**
 * Runs the KDF for a password slot, once: with a fresh salt, or with `salt` (an existing slot's,
 * to re-wrap a new master key under the same password). Done before the vault's lock is taken.
 */
export async function stretchPassword(
  password: string,
  params: Argon2Params = DEFAULT_ARGON2,
  salt: Uint8Array = randomBytes(SALT_BYTES),
): Promise<StretchedPassword> {
  return { kdf: { name: "argon2id13", ops: params.ops, mem: params.mem, salt }, kek: await argon2id(password, salt, params) };
}

/** A password slot wrapping masterKey under a stretched password (no KDF; a fresh nonce and id). */
export function passwordSlotFrom(vaultId: string, masterKey: Uint8Array, p: StretchedPassword): PasswordSlot {
  const slot: PasswordSlot = {
    kind: "password",
    id: newId(),
    kdf: { ...p.kdf },
    nonce: randomBytes(NONCE_BYTES),
    wrapped: new Uint8Array(0),
  };
  slot.wrapped = seal(p.kek, slot.nonce, masterKey, slotAD(vaultId, slot));
  return slot;
}

/** Makes a password slot that wraps masterKey. Runs the KDF once. */
export async function makePasswordSlot(
  vaultId: string,
  masterKey: Uint8Array,
  password: string,
  params: Argon2Params = DEFAULT_ARGON2,
): Promise<PasswordSlot> {
  const p = await stretchPassword(password, params);
  const slot = passwordSlotFrom(vaultId, masterKey, p);
  wipe(p.kek);
  return slot;
}

/** env with its password slots replaced by `slot`, where the first of them was (passwd). */
export function withPasswordSlot(env: Envelope, slot: PasswordSlot): Envelope {
  const at = env.slots.findIndex((s) => s.kind === "password");
  const others: Slot[] = env.slots.filter((s) => s.kind !== "password");
  others.splice(at < 0 ? 0 : Math.min(at, others.length), 0, slot);
  return { ...env, slots: others };
}

/** The KDF cost for a new password slot: today's default, or the vault's own where that is higher. */
export function strongestParams(env: Envelope, base: Argon2Params = DEFAULT_ARGON2): Argon2Params {
  const p = { ...base };
  for (const s of env.slots) if (s.kind === "password") ((p.ops = Math.max(p.ops, s.kdf.ops)), (p.mem = Math.max(p.mem, s.kdf.mem)));
  return p;
}

/** A new vault holding `data`, with one password slot. */
export async function createVault(
  password: string,
  data: VaultData,
  params: Argon2Params = DEFAULT_ARGON2,
): Promise<{ bytes: Uint8Array; masterKey: Uint8Array; envelope: Envelope }> {
  const masterKey = randomBytes(KEY_BYTES);
  const vaultId = newId();
  const slot = await makePasswordSlot(vaultId, masterKey, password, params);
  const base: Envelope = {
    version: FORMAT_VERSION,
    minor: FORMAT_MINOR,
    vaultId,
    slots: [slot],
    nonce: new Uint8Array(NONCE_BYTES),
    ext: { generation: 1 },
    data: new Uint8Array(0),
  };
  const envelope = sealData(base, masterKey, data);
  return { bytes: serializeEnvelope(envelope), masterKey, envelope };
}

/**
 * Tries the password on every password slot (one KDF each). Throws AuthError
 * `wrong-password` when none opens.
 */
export async function unlockWithPassword(env: Envelope, password: string): Promise<Uint8Array> {
  const { key, stretched } = await unlockAndStretch(env, password);
  wipe(stretched.kek);
  return key;
}

/** unlockWithPassword, also handing back the stretched password of the slot that opened (to re-wrap a new key). */
export async function unlockAndStretch(env: Envelope, password: string): Promise<{ key: Uint8Array; stretched: StretchedPassword }> {
  for (const slot of env.slots) {
    if (slot.kind !== "password") continue;
    const kek = await argon2id(password, slot.kdf.salt, slot.kdf);
    const key = open(kek, slot.nonce, slot.wrapped, slotAD(env.vaultId, slot));
    if (key) return { key, stretched: { kdf: { ...slot.kdf }, kek } };
    wipe(kek);
  }
  const hints = env.slots.some((s) => s.kind === "recovery" || s.kind === "recovery-box")
    ? ["forgot it? the recovery key opens the vault: `otp unlock --recovery-key`, then `otp passwd`"]
    : [];
  throw new AuthError("wrong-password", "wrong password", hints);
}

/**
 * Decrypts and checks the payload with the master key. Throws VaultDamagedError: once the
 * key unwrapped (or came from a session), a payload that fails to open is damage, not a
 * wrong password.
 */
export function openData(env: Envelope, masterKey: Uint8Array): VaultData {
  const key = deriveSubkey(masterKey, PAYLOAD_SUBKEY);
  if (env.minor >= SEGMENTED_MINOR) {
    try {
      return openSegments(key, env.nonce, headerAD(env), env.data);
    } finally {
      wipe(key);
    }
  }
  const padded = open(key, env.nonce, env.data, headerAD(env));
  wipe(key);
  if (!padded)
    throw new VaultDamagedError("corrupted", "vault data does not decrypt with this key (damaged, or the session belongs to another copy)");
  const plain = unpad(padded);
  if (!plain) throw new VaultDamagedError("invalid-content", "vault content invalid");
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new VaultDamagedError("invalid-content", "vault content invalid");
  }
  return parseData(json);
}

/**
 * The entries' index of a vault (a minor-3 payload opens only its index, and a chunk when an
 * entry is asked for; an older one opens whole). `data` reads ranges of the payload.
 * Throws VaultDamagedError as openData does.
 */
export function openDataIndex(
  env: Envelope,
  masterKey: Uint8Array,
  data: { length: number; read(s: number, e: number): Uint8Array },
): VaultIndex {
  if (env.minor < SEGMENTED_MINOR) {
    return indexOfEntries(openData({ ...env, data: data.read(0, data.length) }, masterKey).entries);
  }
  const key = deriveSubkey(masterKey, PAYLOAD_SUBKEY);
  try {
    return openIndex(key, env.nonce, headerAD(env), data.read, data.length);
  } finally {
    wipe(key);
  }
}

/**
 * A copy of env with `data` re-encrypted under a fresh nonce. A file with key generations
 * (minor 2) becomes minor 3 here, its payload segmented; an older one keeps its minor and its
 * single sealed payload until its first key change gives it a generation.
 */
export function sealData(env: Envelope, masterKey: Uint8Array, data: VaultData): Envelope {
  const minor = env.minor >= 2 ? Math.max(env.minor, SEGMENTED_MINOR) : env.minor;
  const next: Envelope = { ...env, minor, nonce: randomBytes(NONCE_BYTES) };
  const key = deriveSubkey(masterKey, PAYLOAD_SUBKEY);
  if (minor >= SEGMENTED_MINOR) {
    next.data = sealSegments(key, next.nonce, headerAD(next), data);
    wipe(key);
    return next;
  }
  const plain = pad(new TextEncoder().encode(serializeData(data)));
  next.data = seal(key, next.nonce, plain, headerAD(next));
  wipe(key, plain);
  return next;
}

/**
 * Seals data and checks the result before anyone writes it: the new bytes must parse and
 * decrypt back to exactly what was meant (KeePassXC's "never save what you can't read"). Throws
 * InputError `vault-full` past MAX_FILE_BYTES.
 */
export function sealAndVerify(env: Envelope, masterKey: Uint8Array, data: VaultData): Uint8Array {
  const bytes = serializeEnvelope(sealData(env, masterKey, data));
  // Past the format's 16 MiB: an input error now (exit 2), not a "damaged" vault later. Checked
  // on the sealed bytes: computing the size beforehand cost a 10,000-entry write ~50 ms more.
  checkSealedFits(bytes.length);
  const back = openData(parseEnvelope(bytes).envelope, masterKey);
  if (serializeData(back) !== serializeData(data))
    throw new OtpError("verify-failed", "the new vault did not read back as written; nothing was written");
  return bytes;
}
