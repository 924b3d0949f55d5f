// What lives inside the vault's encrypted `data`: entries, tombstones and meta, and the
// pure operations on them. Every operation returns a new VaultData; fields this otp does
// not know (written by a newer one) ride along untouched.
import type { Entry, EntryDraft, RecoveryCode } from "../entry.js";
import { VaultDamagedError, InputError } from "../errors.js";
import { decodeBase32, normaliseSecret } from "../base32.js";
import { isObject } from "../json.js";
import { validPriorKeys } from "./prior-keys.js";

export interface Tombstone {
  id: string;
  removedAt: string;
  [unknown: string]: unknown;
}

export interface VaultData {
  entries: Entry[];
  tombstones: Tombstone[];
  meta: Record<string, unknown>;
  [unknown: string]: unknown;
}

export function emptyData(nowIso: string): VaultData {
  return { entries: [], tombstones: [], meta: { createdAt: nowIso } };
}

const invalid = () => new VaultDamagedError("invalid-content", "vault content invalid");
const isObj = isObject;

/**
 * Checks decrypted JSON against the schema without echoing any of it (V8 quotes input in
 * its errors, and this input holds seeds). Throws VaultDamagedError `invalid-content`.
 */
export function parseData(json: string): VaultData {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw invalid();
  }
  return checkData(v);
}

/** Checks parsed content against the schema (parseData, and each segment of a minor-3 payload). */
export function checkData(v: unknown): VaultData {
  if (!isObj(v) || !Array.isArray(v.entries) || !Array.isArray(v.tombstones) || !isObj(v.meta)) throw invalid();
  const ids = new Set<string>();
  for (const e of v.entries) {
    if (!isObj(e) || typeof e.id !== "string" || typeof e.name !== "string" || typeof e.secret !== "string" || typeof e.type !== "string")
      throw invalid();
    if (ids.has(e.id)) throw invalid();
    ids.add(e.id);
    for (const k of ["issuer", "account", "notes"]) if (e[k] !== undefined && typeof e[k] !== "string") throw invalid();
    if (e.tags !== undefined && !(Array.isArray(e.tags) && e.tags.every((t) => typeof t === "string"))) throw invalid();
    if (e.recoveryCodes !== undefined && !Array.isArray(e.recoveryCodes)) throw invalid();
  }
  for (const t of v.tombstones) if (!isObj(t) || typeof t.id !== "string" || typeof t.removedAt !== "string") throw invalid();
  if (!validPriorKeys(v.priorKeys)) throw invalid();
  return v as VaultData;
}

export function serializeData(d: VaultData): string {
  return JSON.stringify(d);
}

/** The entry that already holds this secret, if any. */
export function findBySecret(d: VaultData, secret: string): Entry | undefined {
  // The secret is decoded once, not once per entry as sameSecret(e.secret, secret) would.
  const key = secretKey(secret);
  return key === null ? undefined : d.entries.find((e) => secretKey(e.secret) === key);
}

export function findByName(d: VaultData, name: string): Entry | undefined {
  const n = name.toLowerCase();
  return d.entries.find((e) => e.name.toLowerCase() === n);
}

/** A name for a new entry: the given one, else issuer, else account, made unique. */
export function pickName(d: VaultData, draft: EntryDraft): string {
  return pickNameWith((n) => findByName(d, n) !== undefined, draft);
}

/** `stem`-2, -3, …: the first that is free (after 1000 tries, a time stamp). */
function firstFreeNumbered(taken: (name: string) => boolean, stem: string): string {
  for (let i = 2; i < 1000; i++) if (!taken(`${stem}-${i}`)) return `${stem}-${i}`;
  return `${stem}-${Date.now()}`;
}

function pickNameWith(
  taken: (name: string) => boolean,
  draft: EntryDraft,
  numbered = (stem: string) => firstFreeNumbered(taken, stem),
): string {
  const base = (draft.name ?? (draft.issuer || draft.account || "entry")).trim() || "entry";
  if (draft.name !== undefined) return base;
  if (!taken(base)) return base;
  const full = draft.issuer && draft.account ? `${draft.issuer}:${draft.account}` : null;
  if (full && !taken(full)) return full;
  return numbered(full ?? base);
}

/** Adds an entry. Throws InputError `duplicate-name` when the name is taken. */
export function addEntry(d: VaultData, draft: EntryDraft, id: string, nowIso: string): { data: VaultData; entry: Entry } {
  const name = pickName(d, draft);
  checkName(name);
  if (findByName(d, name)) throw duplicateName(name);
  const entry = newEntry(name, draft, id, nowIso);
  return { data: { ...d, entries: [...d.entries, entry] }, entry };
}

/**
 * Adds many entries in one pass, as an import does: a draft whose secret the vault (or an
 * earlier draft) already holds is skipped and counted. Linear in the entries: addEntry and
 * findBySecret once a draft is quadratic, minutes for 10,000. Throws like addEntry, unless
 * freeTakenNames. A draft's recoveryCodes (another app kept them beside the seed) ride along.
 */
export function addEntries(
  d: VaultData,
  drafts: readonly (EntryDraft & { recoveryCodes?: RecoveryCode[] })[],
  id: () => string,
  nowIso: string,
  opts: { freeTakenNames?: boolean } = {},
): { data: VaultData; added: Entry[]; skipped: number } {
  const secrets = new Set<string>();
  const names = new Set(d.entries.map((e) => e.name.toLowerCase()));
  for (const e of d.entries) {
    const k = secretKey(e.secret);
    if (k !== null) secrets.add(k);
  }
  const added: Entry[] = [];
  let skipped = 0;
  const taken = (n: string) => names.has(n.toLowerCase());
  // Numbering resumes where it stopped for the same stem: 60,000 entries called "Example"
  // must not try "Example-2" … each time (quadratic: minutes).
  const next = new Map<string, number>();
  const numbered = (stem: string) => {
    let i = next.get(stem.toLowerCase()) ?? 2;
    while (taken(`${stem}-${i}`)) i++;
    next.set(stem.toLowerCase(), i + 1);
    return `${stem}-${i}`;
  };
  for (const draft of drafts) {
    const key = secretKey(draft.secret);
    if (key !== null && secrets.has(key)) {
      skipped++;
      continue;
    }
    let name = pickNameWith(taken, draft, numbered);
    // An import keeps the names the file gives (our JSON export has them): a taken one gets "-2", "-3", ….
    if (opts.freeTakenNames && taken(name)) name = numbered(name);
    checkName(name);
    if (taken(name)) throw duplicateName(name);
    const entry = newEntry(name, draft, id(), nowIso);
    if (draft.recoveryCodes?.length) entry.recoveryCodes = draft.recoveryCodes.map((c) => ({ ...c }));
    added.push(entry);
    names.add(name.toLowerCase());
    if (key !== null) secrets.add(key);
  }
  return { data: { ...d, entries: [...d.entries, ...added] }, added, skipped };
}

/** What sameSecret compares: the key bytes (as a string); null for a secret that is not base32 (never equal). */
function secretKey(secret: string): string | null {
  try {
    return String.fromCharCode(...decodeBase32(normaliseSecret(secret)));
  } catch {
    return null;
  }
}

function duplicateName(name: string): InputError {
  return new InputError("duplicate-name", `an entry named "${name}" already exists`, [
    "choose another NAME, or `otp edit` the existing one",
  ]);
}

function newEntry(name: string, draft: EntryDraft, id: string, nowIso: string): Entry {
  return {
    id,
    name,
    issuer: draft.issuer,
    account: draft.account,
    type: draft.type,
    secret: draft.secret,
    algorithm: draft.algorithm,
    digits: draft.digits,
    ...(draft.type === "hotp" ? { counter: draft.counter ?? 0 } : { period: draft.period ?? 30 }),
    tags: draft.tags ?? [],
    notes: draft.notes ?? "",
    recoveryCodes: [],
    createdAt: nowIso,
    updatedAt: nowIso,
  };
}

export function checkName(name: string): void {
  if (name.trim() === "") throw new InputError("invalid-entry", "name can't be empty");
  if (name.length > 200) throw new InputError("invalid-entry", "name is longer than 200 characters");
}

/** Replaces the fields of one entry and stamps updatedAt. */
export function updateEntry(d: VaultData, id: string, patch: Partial<Entry>, nowIso: string): VaultData {
  return { ...d, entries: d.entries.map((e) => (e.id === id ? { ...e, ...patch, updatedAt: nowIso } : e)) };
}

/**
 * Removes an entry and leaves a tombstone, so a later sync knows it was removed. The tombstone
 * keeps an HOTP counter and the used recovery codes (no secret): should a newer edit from
 * another machine bring the entry back, it still reuses no code (see merge.ts).
 */
export function removeEntry(d: VaultData, id: string, nowIso: string): VaultData {
  // Removed twice: the first tombstone's counter and codes carry over.
  const gone = (d.entries.find((e) => e.id === id) ?? d.tombstones.find((t) => t.id === id)) as
    { counter?: unknown; recoveryCodes?: RecoveryCode[] } | undefined;
  const used = (Array.isArray(gone?.recoveryCodes) ? gone.recoveryCodes : []).filter((c) => c.usedAt !== null && c.usedAt !== undefined);
  const tombstone: Tombstone = { id, removedAt: nowIso };
  if (typeof gone?.counter === "number") tombstone.counter = gone.counter;
  if (used.length > 0) tombstone.recoveryCodes = used.map((c) => ({ code: c.code, usedAt: c.usedAt }));
  return {
    ...d,
    entries: d.entries.filter((e) => e.id !== id),
    tombstones: [...d.tombstones.filter((t) => t.id !== id), tombstone],
  };
}
