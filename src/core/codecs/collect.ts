// Per-entry tolerance: one bad entry is a problem reported with where it is, not a failed import.
import type { EntryDraft, RecoveryCode } from "../entry.js";
import { OtpError } from "../errors.js";
import { skippedCodesWarning, vetRecoveryCodes } from "../recovery-codes.js";
import type { Decoded, ImportedEntry } from "./types.js";

/**
 * Runs `one` for each item, keeping what it returns as an entry and turning an OtpError into
 * a problem at `where(i)`; anything else (a bug) propagates.
 */
export function collect<T>(
  items: T[],
  where: (i: number, item: T) => string,
  one: (item: T, i: number) => Omit<ImportedEntry, "where"> | null,
): Decoded {
  const out: Decoded = { entries: [], problems: [], notes: [] };
  items.forEach((item, i) => {
    const at = where(i, item);
    try {
      const e = one(item, i);
      if (e) out.entries.push({ ...e, where: at });
    } catch (err) {
      if (!(err instanceof OtpError)) throw err;
      out.problems.push({ where: at, reason: err.message });
    }
  });
  return out;
}

/**
 * An imported entry. Recovery codes the other app kept are checked here, the one door for every
 * codec (recovery-codes.ts vetRecoveryCodes): bad ones are skipped with a warning that names the
 * entry (import prints it with `where`) and never the code.
 */
export function entry(draft: EntryDraft, warnings: string[] = [], recoveryCodes?: (string | RecoveryCode)[]): Omit<ImportedEntry, "where"> {
  if (!recoveryCodes?.length) return { draft, warnings };
  const { codes, skipped } = vetRecoveryCodes(recoveryCodes);
  const all = skipped ? [...warnings, skippedCodesWarning(skipped)] : warnings;
  return codes.length ? { draft, warnings: all, recoveryCodes: codes } : { draft, warnings: all };
}
