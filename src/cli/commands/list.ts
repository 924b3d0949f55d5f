// `otp list [QUERY]` (`ls`): names one a line off a terminal, a table on one, --json for
// every field but the secrets.
import { NotFoundError } from "../../core/errors.js";
import { matchEntries } from "../../core/match.js";
import { escapeForTerminal, safeJson } from "../../core/text.js";
import type { Matchable } from "../../core/match.js";
import type { Ctx } from "../context.js";
import { refuseSecretQuery } from "../pick.js";
import { entryTable, publicEntry } from "../render/entry-view.js";
import { openVault, openVaultIndex } from "../vault.js";

export async function run(ctx: Ctx, query: string | undefined, opts: { json?: boolean }): Promise<void> {
  refuseSecretQuery(query);
  // --json shows every field, so opens the whole vault; names and the table need the index only.
  if (opts.json) return ctx.data(safeJson(matching((await openVault(ctx)).data.entries, query).map(publicEntry), 2));
  const all = (await openVaultIndex(ctx)).index.entries;
  const entries = matching(all, query);
  if (all.length === 0) ctx.hint("the vault is empty; add an entry with `otp add`");
  if (ctx.stdoutIsTTY && entries.length > 0) for (const line of entryTable(entries)) ctx.data(line);
  else for (const e of entries) ctx.data(escapeForTerminal(e.name));
}

function matching<T extends Matchable>(all: T[], query: string | undefined): T[] {
  const entries = query === undefined ? all : matchEntries(all, query);
  if (query !== undefined && entries.length === 0)
    throw new NotFoundError("not-found", `no entry matches "${query}"`, [], ["`otp list` shows all entries"]);
  return entries;
}
