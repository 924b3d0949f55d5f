// `otp restore`: folding a backup's entries into the vault (merge) or swapping them in (replace).
// Never loses an entry: what cannot be merged is kept twice. This is not the sync merge of
// merge.ts: a restore is a deliberate act, so it brings back entries the vault has since removed,
// and never removes any in merge mode. Pure: ids and times come in as arguments.
//
// Merge, for each backup entry, first rule that applies:
// 1. the vault has an entry with its id, or (an entry from elsewhere: an id the vault never
//    had) one with its secret:
//    - same secret and code parameters: one entry; recovery codes united (a code used in either
//      is used, at the earlier time), the higher HOTP counter, and the vault's own labels (name,
//      issuer, account, tags, notes), never the backup's, so no clock decides (docs/merging.md);
//      "updated" or "unchanged";
//    - otherwise a conflict: both kept, the backup's under a new id and a "(backup)" name
//      (unless an entry with its secret and parameters is there already: then as above);
// 2. the vault removed it (a tombstone): restored, and stamped now so a later sync keeps it;
// 3. otherwise added as it is (renamed when its name is taken).
// A backup whose HOTP counters are out of range (entry-limits.ts) is refused whole (exit 2).
import { decodeBase32, normaliseSecret, sameSecret } from "../base32.js";
import type { Entry, RecoveryCode } from "../entry.js";
import { lastBackup } from "./backup-state.js";
import { checkEntryLimits } from "./entry-limits.js";
import type { Tombstone, VaultData } from "./model.js";
import { normalPriorKeys, priorKeysOf } from "./prior-keys.js";

export interface RestoreReport {
  added: string[];
  /** entries the vault had removed, brought back */
  restored: string[];
  updated: { name: string; changes: string[] }[];
  /** both kept: `name` in the vault, `keptAs` the backup's copy */
  conflicts: { name: string; keptAs: string; why: string }[];
  /** added under another name because theirs was taken */
  renamed: { from: string; to: string }[];
  unchanged: number;
  /** replace only: the vault's entries the backup does not have */
  removed: string[];
}

export interface RestoreOptions {
  newId: () => string;
  nowIso: string;
}

const emptyReport = (): RestoreReport => ({ added: [], restored: [], updated: [], conflicts: [], renamed: [], unchanged: 0, removed: [] });

/** Same secret and the parameters that decide the codes (not the HOTP counter). */
export function sameCodes(a: Entry, b: Entry): boolean {
  return (
    a.type === b.type &&
    sameSecret(a.secret, b.secret) &&
    a.algorithm === b.algorithm &&
    a.digits === b.digits &&
    (a.type === "hotp" || (a.period ?? 30) === (b.period ?? 30))
  );
}

function why(a: Entry, b: Entry): string {
  if (!sameSecret(a.secret, b.secret)) return "different secrets";
  const diff = (["type", "algorithm", "digits", "period"] as const).filter((k) => a[k] !== b[k]);
  return `different ${diff.join(", ")}`;
}

/** A secret's bytes as hex, for lookups (sameSecret costs a decode of both on every call). */
function secretKey(secret: string): string {
  try {
    return Buffer.from(decodeBase32(normaliseSecret(secret))).toString("hex");
  } catch {
    return `raw:${secret}`;
  }
}

const codeKey = (c: string) => c.replace(/[\s-]/g, "").toLowerCase();

/** Codes of both, in a's order then b's new ones; a code used in either is used (earlier time). */
export function uniteCodes(a: RecoveryCode[], b: RecoveryCode[]): RecoveryCode[] {
  const out = a.map((c) => ({ ...c }));
  const at = new Map(out.map((c, i) => [codeKey(c.code), i]));
  for (const c of b) {
    const i = at.get(codeKey(c.code));
    if (i === undefined) {
      at.set(codeKey(c.code), out.length);
      out.push({ ...c });
    } else if (c.usedAt && (!out[i]!.usedAt || c.usedAt < out[i]!.usedAt!)) out[i]!.usedAt = c.usedAt;
  }
  return out;
}

const LABELS = ["name", "issuer", "account", "tags", "notes"] as const;
const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);

/** One entry from two copies of it (sameCodes holds); `changes` says what the vault's copy gained. */
function mergeEntry(v: Entry, b: Entry, nowIso: string): { entry: Entry; changes: string[] } {
  const changes: string[] = [];
  const out: Entry = { ...b, ...v, recoveryCodes: uniteCodes(v.recoveryCodes ?? [], b.recoveryCodes ?? []) };
  const gained = out.recoveryCodes.length - (v.recoveryCodes ?? []).length;
  if (gained > 0) changes.push(`${gained} recovery code${gained === 1 ? "" : "s"} added`);
  const marked = (v.recoveryCodes ?? []).filter((c, i) => out.recoveryCodes[i]!.usedAt !== c.usedAt).length;
  if (marked > 0) changes.push(`${marked} recovery code${marked === 1 ? "" : "s"} marked used`);
  if (v.type === "hotp" && (b.counter ?? 0) > (v.counter ?? 0)) {
    out.counter = b.counter;
    changes.push(`counter ${v.counter ?? 0} → ${b.counter}`);
  }
  // The vault's labels stay, whatever the two updatedAt say: a clock that was behind when the
  // vault's copy was edited would otherwise let an older backup revert the edit (docs/merging.md).
  const differ = LABELS.filter((k) => !same(v[k], b[k]));
  if (differ.length) for (const k of LABELS) (out as Record<string, unknown>)[k] = v[k];
  if (b.createdAt < v.createdAt) out.createdAt = b.createdAt;
  out.updatedAt = changes.length ? nowIso : v.updatedAt;
  return { entry: out, changes };
}

class Names {
  private taken: Set<string>;
  constructor(entries: Entry[]) {
    this.taken = new Set(entries.map((e) => e.name.toLowerCase()));
  }
  free(n: string): boolean {
    return !this.taken.has(n.toLowerCase());
  }
  /** name itself when free, else "name (backup)", "name (backup 2)", …; marks it taken. */
  claim(name: string): string {
    let n = name;
    for (let i = 1; !this.free(n); i++) n = `${name} (backup${i === 1 ? "" : ` ${i}`})`;
    this.taken.add(n.toLowerCase());
    return n;
  }
  rename(from: string, to: string): void {
    this.taken.delete(from.toLowerCase());
    this.taken.add(to.toLowerCase());
  }
}

/** The vault with the backup's entries merged in (rules at the top). Never removes an entry. */
export function mergeRestore(vault: VaultData, backup: VaultData, o: RestoreOptions): { data: VaultData; report: RestoreReport } {
  checkEntryLimits(backup, "the backup");
  const report = emptyReport();
  const entries = vault.entries.map((e) => ({ ...e }));
  // Only the vault's own entries are matched by secret (the first that has it).
  const bySecret = new Map<string, number>();
  entries.forEach((e, i) => bySecret.has(secretKey(e.secret)) || bySecret.set(secretKey(e.secret), i));
  const byId = new Map(entries.map((e, i) => [e.id, i]));
  const removed = new Map(vault.tombstones.map((t) => [t.id, t]));
  const names = new Names(entries);
  for (const b of backup.entries) {
    let i = byId.get(b.id);
    if (i === undefined && !removed.has(b.id)) i = bySecret.get(secretKey(b.secret));
    if (i !== undefined) {
      // A conflict kept twice by an earlier restore: the backup's copy is already there.
      if (!sameCodes(entries[i]!, b)) {
        const twin = entries.findIndex((x) => sameCodes(x, b));
        if (twin >= 0) i = twin;
      }
      const v = entries[i]!;
      if (!sameCodes(v, b)) {
        const keptAs = names.claim(b.name);
        entries.push({ ...b, id: o.newId(), name: keptAs });
        report.conflicts.push({ name: v.name, keptAs, why: why(v, b) });
        continue;
      }
      const { entry, changes } = mergeEntry(v, b, o.nowIso);
      entries[i] = entry;
      if (changes.length) report.updated.push({ name: entry.name, changes });
      else report.unchanged++;
      continue;
    }
    const name = names.claim(b.name);
    if (name !== b.name) report.renamed.push({ from: b.name, to: name });
    if (removed.has(b.id)) {
      entries.push({ ...b, name, updatedAt: o.nowIso });
      removed.delete(b.id);
      report.restored.push(name);
    } else {
      entries.push({ ...b, name });
      report.added.push(name);
    }
    byId.set(b.id, entries.length - 1);
  }
  const live = new Set(entries.map((e) => e.id));
  const tombstones: Tombstone[] = [...removed.values()];
  for (const t of backup.tombstones) if (!live.has(t.id) && !removed.has(t.id)) tombstones.push({ ...t });
  return { data: { ...vault, entries, tombstones }, report };
}

/**
 * The vault's data replaced by the backup's: its entries exactly (stamped now where they differ
 * from the vault's copy, so a later sync keeps them), tombstones for the vault's entries the
 * backup lacks, and the vault's own meta but for the backup record the backup carries.
 */
export function replaceRestore(vault: VaultData, backup: VaultData, nowIso: string): { data: VaultData; report: RestoreReport } {
  checkEntryLimits(backup, "the backup");
  const report = emptyReport();
  const mine = new Map(vault.entries.map((e) => [e.id, e]));
  const dead = new Set(vault.tombstones.map((t) => t.id));
  const entries = backup.entries.map((b) => {
    const v = mine.get(b.id);
    if (v && same({ ...v, updatedAt: 0 }, { ...b, updatedAt: 0 })) {
      report.unchanged++;
      return { ...v };
    }
    if (v) report.updated.push({ name: b.name, changes: ["replaced by the backup's copy"] });
    else if (dead.has(b.id)) report.restored.push(b.name);
    else report.added.push(b.name);
    return { ...b, updatedAt: nowIso };
  });
  const live = new Set(entries.map((e) => e.id));
  const tombstones: Tombstone[] = vault.tombstones.filter((t) => !live.has(t.id)).map((t) => ({ ...t }));
  const tombed = new Set(tombstones.map((t) => t.id));
  for (const t of backup.tombstones) if (!live.has(t.id) && !tombed.has(t.id)) (tombed.add(t.id), tombstones.push({ ...t }));
  for (const v of vault.entries)
    if (!live.has(v.id)) {
      report.removed.push(v.name);
      if (!tombed.has(v.id)) tombstones.push({ id: v.id, removedAt: nowIso });
    }
  const record = lastBackup(backup);
  const meta = record ? { ...vault.meta, lastBackup: record } : { ...vault.meta };
  // The vault's keys stay, and with them its prior keys: the backup's join them.
  const priorKeys = normalPriorKeys([...priorKeysOf(vault), ...priorKeysOf(backup)]);
  return { data: { ...backup, entries, tombstones, meta, ...(priorKeys.length ? { priorKeys } : {}) }, report };
}

/** Whether the restore changes anything at all. */
export function changesAnything(r: RestoreReport): boolean {
  return r.added.length + r.restored.length + r.updated.length + r.conflicts.length + r.removed.length > 0;
}
