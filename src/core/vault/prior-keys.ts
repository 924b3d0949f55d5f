// The master keys of earlier key generations, kept inside the payload (so only today's key opens
// them): `priorKeys: [{"generation": N, "key": b64(32)}, …]`, newest first, at most 32. A key
// change adds the key it retires. They let this vault open its own older copies, which sync
// must merge (another machine that had not heard of the change yet, a remote replaying an old
// commit) and which restore may bring back (a backup made before the change), without asking for
// an old password. They never go the other way: an old copy holds no key newer than its own.
// Pure.
import type { VaultData } from "./model.js";

export interface PriorKey {
  generation: number;
  /** base64 of the 32-byte master key */
  key: string;
}

export const MAX_PRIOR_KEYS = 32;

const isPriorKey = (v: unknown): v is PriorKey =>
  v !== null &&
  typeof v === "object" &&
  Number.isSafeInteger((v as PriorKey).generation) &&
  (v as PriorKey).generation >= 0 &&
  typeof (v as PriorKey).key === "string" &&
  /^[A-Za-z0-9+/]{43}=$/.test((v as PriorKey).key);

/** Throws when `priorKeys` is present and not a list of prior keys (parseData calls it). */
export function validPriorKeys(v: unknown): boolean {
  return v === undefined || (Array.isArray(v) && v.length <= MAX_PRIOR_KEYS * 2 && v.every(isPriorKey));
}

export function priorKeysOf(d: VaultData): PriorKey[] {
  return Array.isArray(d.priorKeys) ? (d.priorKeys as unknown[]).filter(isPriorKey) : [];
}

/** Newest first, one of each (generation, key), at most MAX_PRIOR_KEYS. */
export function normalPriorKeys(keys: PriorKey[]): PriorKey[] {
  const seen = new Map<string, PriorKey>();
  for (const k of keys) seen.set(`${k.generation}:${k.key}`, { generation: k.generation, key: k.key });
  return [...seen.values()]
    .sort((a, b) => b.generation - a.generation || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, MAX_PRIOR_KEYS);
}

/** d with `key` (the master key of `generation`) among its prior keys. */
export function withPriorKeys(d: VaultData, keys: { generation: number; key: Uint8Array }[]): VaultData {
  if (keys.length === 0) return d;
  const added = keys.map((k) => ({ generation: k.generation, key: Buffer.from(k.key).toString("base64") }));
  return { ...d, priorKeys: normalPriorKeys([...priorKeysOf(d), ...added]) };
}

/** The prior keys as bytes, newest first. */
export function priorKeyBytes(d: VaultData): { generation: number; key: Uint8Array }[] {
  return priorKeysOf(d).map((k) => ({ generation: k.generation, key: new Uint8Array(Buffer.from(k.key, "base64")) }));
}

/** d without prior keys (a backup under a password of its own). */
export function withoutPriorKeys(d: VaultData): VaultData {
  const { priorKeys: _gone, ...rest } = d;
  return rest as VaultData;
}
