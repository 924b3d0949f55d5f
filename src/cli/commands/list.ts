// `otp list [QUERY]` (`ls`): names one a line off a terminal, a table on one, --json for
// every field but the secrets.
import { NotFoundError } from "../../core/errors.js";
import { matchEntries } from "../../core/match.js";
import { escapeForTerminal, safeJson } from "../../core/text.js";
import type { Ctx } from "../context.js";
import { refuseSecretQuery } from "../pick.js";
import { entryTable, publicEntry } from "../render/entry-view.js";
import { openVault } from "../vault.js";

export async function run(ctx: Ctx, query: string | undefined, opts: { json?: boolean }): Promise<void> {
  refuseSecretQuery(query);
  const { data } = await openVault(ctx);
  const entries = query === undefined ? data.entries : matchEntries(data.entries, query);
  if (query !== undefined && entries.length === 0)
    throw new NotFoundError("not-found", `no entry matches "${query}"`, [], ["`otp list` shows all entries"]);
  if (opts.json) return ctx.data(safeJson(entries.map(publicEntry), 2));
  if (data.entries.length === 0) ctx.hint("the vault is empty; add an entry with `otp add`");
  if (ctx.stdoutIsTTY && entries.length > 0) for (const line of entryTable(entries)) ctx.data(line);
  else for (const e of entries) ctx.data(escapeForTerminal(e.name));
}
