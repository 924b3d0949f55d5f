// `otp edit QUERY`: change an entry's name, issuer, account, tags, digits, period, counter
// or notes. The secret and type never change here: add a new entry for a new seed.
import { checkDraft, type Entry } from "../../core/entry.js";
import { InputError, UsageError } from "../../core/errors.js";
import { pickEntry, refuseSecretQuery } from "../pick.js";
import { escapeForTerminal } from "../../core/text.js";
import { checkName, findByName, updateEntry } from "../../core/vault/model.js";
import type { Ctx } from "../context.js";
import { openVault, refuseSecretInArgv, updateVault } from "../vault.js";

export interface EditOptions {
  name?: string;
  issuer?: string;
  account?: string;
  tag?: string[];
  /** false with --no-tags; commander always sets it */
  tags: boolean;
  digits?: number;
  period?: number;
  counter?: number;
  notes?: string;
}

export async function run(ctx: Ctx, query: string, opts: EditOptions): Promise<void> {
  refuseSecretQuery(query);
  refuseSecretInArgv(opts.name, "--name");
  const patch: Partial<Entry> = {};
  for (const k of ["name", "issuer", "account", "digits", "period", "counter", "notes"] as const)
    if (opts[k] !== undefined) (patch as Record<string, unknown>)[k] = opts[k];
  if (opts.tag !== undefined) patch.tags = opts.tag;
  else if (opts.tags === false) patch.tags = [];
  if (Object.keys(patch).length === 0) throw new UsageError("usage", "nothing to change", ["see `otp edit --help` for what can change"]);
  if (patch.name !== undefined) checkName(patch.name);

  const vault = await openVault(ctx);
  const id = (await pickEntry(ctx, vault.data.entries, query)).id;
  const entry = await updateVault(ctx, vault, (data) => {
    const current = data.entries.find((e) => e.id === id);
    if (!current) throw new UsageError("usage", "the entry was removed meanwhile");
    if (patch.name !== undefined) {
      const other = findByName(data, patch.name);
      if (other && other.id !== id) throw new InputError("duplicate-name", `an entry named "${patch.name}" already exists`);
    }
    if (patch.period !== undefined && current.type === "hotp") throw new UsageError("usage", "an HOTP entry has a counter, not a period");
    if (patch.counter !== undefined && current.type !== "hotp") throw new UsageError("usage", "only HOTP entries have a counter");
    if (patch.digits !== undefined && current.type === "steam") throw new UsageError("usage", "Steam codes always have 5 characters");
    const merged = { ...current, ...patch };
    checkDraft(merged);
    return { data: updateEntry(data, id, patch, new Date(ctx.now()).toISOString()), result: merged };
  });
  ctx.info(`updated "${escapeForTerminal(entry.name)}"`);
}
