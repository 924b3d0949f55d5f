// The limits an entry's numbers keep, checked on vault data that comes from elsewhere (a backup
// being restored, a sync copy being merged) before it is folded in: the vault's own doors (add,
// edit, import) check drafts with checkDraft, but such data only passed the vault's structural
// check. A counter past MAX_COUNTER would be taken as "the higher counter" and then break every
// later code, backup and export of the vault.
import { COUNTER_RANGE, MAX_COUNTER } from "../entry.js";
import { InputError } from "../errors.js";
import { escapeForTerminal } from "../text.js";
import type { VaultData } from "./model.js";

const goodCounter = (c: unknown) => typeof c === "number" && Number.isSafeInteger(c) && c >= 0 && c <= MAX_COUNTER;

/**
 * Checks every HOTP counter in `data`, the entries' and the tombstones' (a merge takes the
 * largest of both). `from` names the data in the message ("the backup", "the other copy").
 * Throws InputError `invalid-entry` (exit 2) naming the first entry out of range. Pure.
 */
export function checkEntryLimits(data: VaultData, from: string): void {
  for (const e of data.entries)
    if ((e.type === "hotp" || e.counter !== undefined) && !goodCounter(e.counter ?? 0))
      throw new InputError(
        "invalid-entry",
        `${from}: the HOTP counter of "${escapeForTerminal(String(e.name))}" is not a whole number from ${COUNTER_RANGE}; nothing was changed`,
      );
  for (const t of data.tombstones)
    if (t.counter !== undefined && !goodCounter(t.counter))
      throw new InputError(
        "invalid-entry",
        `${from}: a removed entry's HOTP counter is not a whole number from ${COUNTER_RANGE}; nothing was changed`,
      );
}
