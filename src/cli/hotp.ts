// Advancing an HOTP entry's counter, shared by `otp code` and `otp watch`: the entry is
// re-read under the lock, so the counter used is the one on disk now, and the new counter is
// on disk (fsync'd) before the caller shows the code.
import { UsageError } from "../core/errors.js";
import { counterAfter, type Entry } from "../core/entry.js";
import { updateEntry } from "../core/vault/model.js";
import type { Ctx } from "./context.js";
import { updateVault, type OpenedVault } from "./vault.js";

/** Returns the entry as it was on disk (its counter gives the code); the vault now holds counter + 1. */
export function advanceHotp(ctx: Ctx, vault: OpenedVault, id: string): Promise<Entry> {
  return updateVault(ctx, vault, (data) => {
    const current = data.entries.find((e) => e.id === id);
    if (!current) throw new UsageError("usage", "the entry was removed meanwhile");
    const next = counterAfter(current.counter ?? 0);
    return { data: updateEntry(data, id, { counter: next }, new Date(ctx.now()).toISOString()), result: current };
  });
}
