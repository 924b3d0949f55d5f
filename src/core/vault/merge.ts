// Merging two copies of one vault, entry by entry (`otp sync` and the git merge driver).
// mergeData is a join: commutative, associative and idempotent, so machines that have seen
// the same changes hold the same entries, whatever order they met them in. Rules, per id:
// - The entry's content comes from its latest edit (updatedAt); a tie between different
//   contents goes to a fixed order over the content, so every machine picks the same one.
//   Fields this otp does not know ride along with the content that wins.
// - The HOTP counter is the largest any copy (or tombstone) has: once two copies met, no code
//   shown by either is shown again.
// - A recovery code used in any copy stays used (the earliest usedAt). The list of codes is
//   the winning edit's, plus every code used anywhere, so a used code never reads as unused.
// - A tombstone beats an entry last changed before the removal; an entry changed at or after
//   it (a millisecond tie included: never lose a seed by coincidence) stays. A winning
//   tombstone keeps the counter and the used codes, so an entry that comes back later (a newer
//   edit from a machine that had not heard of the removal) still reuses no code.
// - meta and unknown top-level members, per key: meta.createdAt the earliest; otherwise the
//   value both have, else a fixed order over the values.
// Entries come out ordered by createdAt, then name, then id; tombstones by id.
// - priorKeys (the master keys of earlier key generations): the union.
// mergeCopies also picks the keys of the result: the copy with the higher key generation wins
// its header (slots, generation, ext) and master key as a whole, so a password changed on one
// machine reaches the others and no merge brings an old password back; the other copy's key,
// if it differs, joins the prior keys. Two copies of one generation under different keys (two
// machines changed the password before they met) go to a fixed order over their slots, the
// same on every machine. Copies under one key (a vault of an older otp, whose passwd kept the
// key) merge their slots and ext three ways against the common ancestor, as before.
import type { Entry, RecoveryCode } from "../entry.js";
import { OtpError } from "../errors.js";
import { canonicalJson } from "../json.js";
import { MAX_SLOTS, generationOf, slotJson, type Envelope, type JsonObject, type Slot } from "./format.js";
import type { Tombstone, VaultData } from "./model.js";
import { normalPriorKeys, priorKeysOf, withPriorKeys } from "./prior-keys.js";

type Obj = Record<string, unknown>;

export { canonicalJson };

const cmp = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : (canonicalJson(v) ?? ""));
/** A time's order: its instant, then its text. Unreadable times sort first. */
const ms = (v: unknown): number => {
  const t = typeof v === "string" ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
};
const cmpTime = (a: unknown, b: unknown): number => cmp(ms(a), ms(b)) || cmp(str(a), str(b));

function without(o: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** A version of one id, with the keys that order it: time, content that wins as a whole, all of it. */
interface Ranked<T extends Obj> {
  v: T;
  time: unknown;
  content: string;
  full: string;
}

/** The monotone parts (merged on their own, never by who wins) stay out of `content`. */
const MONOTONE = ["counter", "recoveryCodes"];

function ranked<T extends Obj>(v: T, timeKey: string): Ranked<T> {
  return { v, time: v[timeKey], content: canonicalJson(without(v, MONOTONE)), full: canonicalJson(v) };
}

const cmpRank = <T extends Obj>(a: Ranked<T>, b: Ranked<T>): number => cmpTime(a.time, b.time) || cmp(a.content, b.content);

/** The latest version, and every version tied with it (same time and content). */
function top<T extends Obj>(versions: T[], timeKey: string): { best: T; tied: T[] } {
  // The usual case, an entry no copy changed: versions of the same JSON are all tied and the
  // first is the best, with no canonical JSON made (at 10,000 entries that cost ~200 ms a merge).
  const first = JSON.stringify(versions[0]);
  if (versions.every((v, i) => i === 0 || JSON.stringify(v) === first)) return { best: versions[0]!, tied: versions };
  const all = versions.map((v) => ranked(v, timeKey));
  let best = all[0]!;
  for (const r of all.slice(1)) if ((cmpRank(r, best) || cmp(r.full, best.full)) > 0) best = r;
  return { best: best.v, tied: all.filter((r) => cmpRank(r, best) === 0).map((r) => r.v) };
}

const isCounter = (c: unknown): c is number => typeof c === "number" && Number.isSafeInteger(c) && c >= 0;

function codesOf(v: Obj): RecoveryCode[] {
  return Array.isArray(v.recoveryCodes)
    ? (v.recoveryCodes as unknown[]).filter(
        (c): c is RecoveryCode => c !== null && typeof c === "object" && typeof (c as Obj).code === "string",
      )
    : [];
}

/** Every code used in any version, with its earliest usedAt. */
function usedCodes(versions: Obj[]): Map<string, unknown> {
  const used = new Map<string, unknown>();
  for (const v of versions)
    for (const c of codesOf(v)) {
      if (c.usedAt === null || c.usedAt === undefined) continue;
      const seen = used.get(c.code);
      if (seen === undefined || cmpTime(c.usedAt, seen) < 0) used.set(c.code, c.usedAt);
    }
  return used;
}

/**
 * The recovery codes of the winning content: its list (when every tied version has the same
 * one and nothing was used elsewhere that it lacks), else every code, sorted; usedAt merged.
 */
function mergedCodes(tied: Obj[], used: Map<string, unknown>): RecoveryCode[] {
  const lists = tied.map((v) => [...new Set(codesOf(v).map((c) => c.code))]);
  const all = new Set([...lists.flat(), ...used.keys()]);
  const first = lists[0]!;
  const same = lists.every((l) => l.length === first.length && l.every((c, i) => c === first[i]));
  const order = same && first.length === all.size ? first : [...all].sort();
  // A code's other fields (if a newer otp adds some) come from the winning content.
  const objects = new Map<string, RecoveryCode>();
  for (const v of tied)
    for (const c of codesOf(v)) if (!objects.has(c.code) || canonicalJson(c) > canonicalJson(objects.get(c.code))) objects.set(c.code, c);
  return order.map((code) => ({ ...objects.get(code), code, usedAt: (used.get(code) ?? null) as string | null }));
}

/** One id's fate: the entry that stays, or the tombstone that removes it. */
function mergeOne(entries: Entry[], tombstones: Tombstone[]): { entry: Entry } | { tombstone: Tombstone } {
  const everything: Obj[] = [...entries, ...tombstones];
  const counters = everything.map((v) => v.counter).filter(isCounter);
  const counter = counters.length ? Math.max(...counters) : undefined;
  const used = usedCodes(everything);
  const e = entries.length ? top(entries, "updatedAt") : null;
  const t = tombstones.length ? top(tombstones, "removedAt") : null;
  if (e && (!t || ms(e.best.updatedAt) >= ms(t.best.removedAt))) {
    const out: Entry = { ...e.best };
    // Kept whatever the type, like every other part of a join: nothing known is ever dropped.
    if (counter !== undefined) out.counter = counter;
    if (out.recoveryCodes !== undefined || used.size > 0) out.recoveryCodes = mergedCodes(e.tied, used);
    return { entry: out };
  }
  const out = without(t!.best, MONOTONE) as Tombstone;
  if (counter !== undefined) out.counter = counter;
  if (used.size > 0) out.recoveryCodes = [...used.keys()].sort().map((code) => ({ code, usedAt: used.get(code) }));
  return { tombstone: out };
}

/** The larger of two values in a fixed order (their canonical JSON, then their exact JSON). */
function pickValue(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (cmp(canonicalJson(a), canonicalJson(b)) || cmp(JSON.stringify(a), JSON.stringify(b))) >= 0 ? a : b;
}

function earliest(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (cmpTime(a, b) || cmp(JSON.stringify(a), JSON.stringify(b))) <= 0 ? a : b;
}

function mergeRecord(a: Obj, b: Obj, special: Record<string, (x: unknown, y: unknown) => unknown> = {}): Obj {
  const out: Obj = {};
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) out[k] = (special[k] ?? pickValue)(a[k], b[k]);
  return out;
}

const folded = (s: unknown) => (typeof s === "string" ? s.normalize("NFC").toLowerCase() : "");

/** Merges two copies of one vault's data (see the rules at the top). Pure; neither input changes. */
export function mergeData(a: VaultData, b: VaultData): VaultData {
  const entries = new Map<string, Entry[]>();
  const tombstones = new Map<string, Tombstone[]>();
  for (const d of [a, b]) {
    for (const e of d.entries) entries.set(e.id, [...(entries.get(e.id) ?? []), e]);
    for (const t of d.tombstones) tombstones.set(t.id, [...(tombstones.get(t.id) ?? []), t]);
  }
  const outEntries: Entry[] = [];
  const outTombstones: Tombstone[] = [];
  for (const id of new Set([...entries.keys(), ...tombstones.keys()])) {
    const r = mergeOne(entries.get(id) ?? [], tombstones.get(id) ?? []);
    if ("entry" in r) outEntries.push(r.entry);
    else outTombstones.push(r.tombstone);
  }
  outEntries.sort((x, y) => cmpTime(x.createdAt, y.createdAt) || cmp(folded(x.name), folded(y.name)) || cmp(x.id, y.id));
  outTombstones.sort((x, y) => cmp(x.id, y.id));
  const own = ["entries", "tombstones", "meta", "priorKeys"];
  const rest = mergeRecord(without(a, own), without(b, own));
  const priorKeys = normalPriorKeys([...priorKeysOf(a), ...priorKeysOf(b)]);
  return {
    entries: outEntries,
    tombstones: outTombstones,
    meta: mergeRecord(a.meta, b.meta, { createdAt: earliest }),
    ...rest,
    ...(priorKeys.length ? { priorKeys } : {}),
  };
}

/**
 * Three-way merge of keyed parts (key slots by id, ext by key): a change on one side since
 * the ancestor wins; a removal on one side of what the other left alone stands; anything
 * else (no ancestor, or both changed) keeps both where it can and picks by a fixed order.
 */
function threeWay<T>(base: Map<string, T> | null, ours: Map<string, T>, theirs: Map<string, T>, key: (v: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const id of new Set([...ours.keys(), ...theirs.keys()])) {
    const o = ours.get(id),
      t = theirs.get(id),
      b = base?.get(id);
    const same = (x: T | undefined, y: T | undefined) => x !== undefined && y !== undefined && key(x) === key(y);
    if (o !== undefined && t !== undefined) out.set(id, same(o, t) || same(b, t) ? o : same(b, o) ? t : key(o) > key(t) ? o : t);
    else if (o !== undefined) {
      if (!same(b, o)) out.set(id, o); // theirs removed what ours left alone: it stays removed
    } else if (t !== undefined && !same(b, t)) out.set(id, t);
  }
  return out;
}

const KIND_ORDER: Record<string, number> = { password: 0, recovery: 1, "recovery-box": 1 };
const slotKey = (s: Slot) => JSON.stringify(slotJson(s));
const byId = (slots: Slot[]) => new Map(slots.map((s) => [s.id, s]));

/** The key slots of the merged vault, in a fixed order (password, recovery, others; then id). */
export function mergeSlots(base: Slot[] | null, ours: Slot[], theirs: Slot[]): Slot[] {
  const merged = [...threeWay(base && byId(base), byId(ours), byId(theirs), slotKey).values()];
  merged.sort((x, y) => cmp(KIND_ORDER[x.kind] ?? 2, KIND_ORDER[y.kind] ?? 2) || cmp(x.id, y.id));
  if (merged.length > MAX_SLOTS)
    throw new OtpError("too-many-slots", `the merged vault would have ${merged.length} key slots (at most ${MAX_SLOTS}); nothing merged`, [
      "remove unused passwords or recovery keys on one machine, then sync again",
    ]);
  if (!merged.some((s) => s.kind !== "unknown"))
    throw new OtpError("no-usable-slot", "the merged vault would have no key slot this otp can open; nothing merged");
  return merged;
}

function mergeExt(base: JsonObject | null, ours: JsonObject, theirs: JsonObject): JsonObject {
  const m = (o: JsonObject) => new Map(Object.entries(o));
  const merged = threeWay(base && m(base), m(ours), m(theirs), canonicalJson);
  return Object.fromEntries([...merged.entries()].sort(([x], [y]) => cmp(x, y))) as JsonObject;
}

export interface VaultCopy {
  envelope: Envelope;
  data: VaultData;
}

/** A copy of the vault opened with its master key. */
export interface KeyedCopy extends VaultCopy {
  key: Uint8Array;
}

const sameKey = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Merges two copies of one vault (see the top): the data by mergeData, the keys by key
 * generation. `base` is the common ancestor's envelope, or null. The result is to be sealed
 * afresh (new nonce) under its `key`. Throws OtpError `different-vault` when the vault ids
 * differ, `too-many-slots` or `no-usable-slot` when slots under one key cannot be merged.
 */
export function mergeCopies(base: Envelope | null, ours: KeyedCopy, theirs: KeyedCopy): KeyedCopy & { keysFrom: "ours" | "theirs" } {
  if (ours.envelope.vaultId !== theirs.envelope.vaultId)
    throw new OtpError(
      "different-vault",
      `the two copies are different vaults (ids ${ours.envelope.vaultId.slice(0, 8)}… and ${theirs.envelope.vaultId.slice(0, 8)}…); nothing merged`,
    );
  const data = mergeData(ours.data, theirs.data);
  if (sameKey(ours.key, theirs.key)) {
    const b = base && base.vaultId === ours.envelope.vaultId ? base : null;
    const envelope: Envelope = {
      ...ours.envelope,
      slots: mergeSlots(b?.slots ?? null, ours.envelope.slots, theirs.envelope.slots),
      ext: mergeExt(b?.ext ?? null, ours.envelope.ext, theirs.envelope.ext),
    };
    // One key, so one generation, unless a copy is of an older otp: keep the higher.
    const g = Math.max(generationOf(ours.envelope), generationOf(theirs.envelope));
    return { envelope: g > 0 ? { ...envelope, ext: { ...envelope.ext, generation: g } } : envelope, key: ours.key, data, keysFrom: "ours" };
  }
  const order =
    generationOf(ours.envelope) - generationOf(theirs.envelope) ||
    cmp(JSON.stringify(ours.envelope.slots.map((s) => slotJson(s))), JSON.stringify(theirs.envelope.slots.map((s) => slotJson(s))));
  const [win, lose, keysFrom] = order >= 0 ? ([ours, theirs, "ours"] as const) : ([theirs, ours, "theirs"] as const);
  const withLoser = withPriorKeys(data, [{ generation: generationOf(lose.envelope), key: lose.key }]);
  return { envelope: { ...win.envelope }, key: win.key, data: withLoser, keysFrom };
}
