// What the vault remembers about its backups: meta.lastBackup = { at, state, file }, written by
// `otp backup` once the backup verified. `state` is a fingerprint of the entries, so "is there a
// backup of what I have now?" needs no file, and the reminder and `otp audit` can say when
// the vault changed since. Pure: times come in as arguments.
import type { Entry } from "../entry.js";
import { blake2b512, textBytes } from "./crypto.js";
import type { VaultData } from "./model.js";

export interface BackupRecord {
  /** when the verified backup was made (ISO-8601) */
  at: string;
  /** fingerprint of the entries it holds */
  state: string;
  /** where it was written (absolute path), for the user's information */
  file: string;
}

/** Days between a backup and a change before the reminder speaks (the rule). */
export const REMINDER_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

/**
 * A fingerprint of the entries (every field, HOTP counters and recovery codes included), in id
 * order so that a merge that reorders them changes nothing. Meta, tombstones and `updatedAt`
 * (a restore stamps it for a later sync) are left out: a backup is "of this state" when
 * restoring it brings back exactly these entries.
 */
export function entriesState(entries: Entry[]): string {
  const sorted = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((e) => ({ ...e, updatedAt: undefined }));
  return Buffer.from(blake2b512(textBytes(JSON.stringify(sorted))))
    .toString("hex")
    .slice(0, 32);
}

export function lastBackup(data: VaultData): BackupRecord | null {
  const r = data.meta.lastBackup as Partial<BackupRecord> | undefined;
  if (!r || typeof r !== "object" || typeof r.at !== "string" || typeof r.state !== "string" || !Number.isFinite(Date.parse(r.at)))
    return null;
  return { at: r.at, state: r.state, file: typeof r.file === "string" ? r.file : "" };
}

export function withLastBackup(data: VaultData, record: BackupRecord): VaultData {
  return { ...data, meta: { ...data.meta, lastBackup: { ...record } } };
}

/** True when the last verified backup holds exactly these entries. */
export function backedUp(data: VaultData): boolean {
  const r = lastBackup(data);
  return r !== null && r.state === entriesState(data.entries);
}

/**
 * Whether a change made at `nowMs` deserves the backup reminder: the entries differ from the
 * last verified backup and that backup (or, with none, the vault's creation) is more than
 * REMINDER_DAYS older than the change. Returns the whole days since then, or null.
 */
export function reminderDue(data: VaultData, nowMs: number): { days: number; never: boolean } | null {
  if (data.entries.length === 0) return null;
  const r = lastBackup(data);
  const since = r ? Date.parse(r.at) : Date.parse(String(data.meta.createdAt ?? ""));
  if (!Number.isFinite(since) || nowMs - since <= REMINDER_DAYS * DAY_MS) return null;
  // The fingerprint costs a hash of every entry: only once the cheap time test has passed.
  if (r && r.state === entriesState(data.entries)) return null;
  return { days: Math.floor((nowMs - since) / DAY_MS), never: r === null };
}
