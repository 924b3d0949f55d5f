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
  const lines = ctx.stdoutIsTTY && entries.length > 0 ? entryTable(entries) : entries.map((e) => escapeForTerminal(e.name));
  // One write, not one a line: 10,000 writes cost a 10,000-entry list ~35 ms.
  if (lines.length > 0) ctx.data(lines.join("\n"));
}

function matching<T extends Matchable>(all: T[], query: string | undefined): T[] {
  const entries = query === undefined ? all : matchEntries(all, query);
  if (query !== undefined && entries.length === 0)
    throw new NotFoundError("not-found", `no entry matches "${query}"`, [], ["`otp list` shows all entries"]);
  return entries;
}
