// The one way query-taking commands turn QUERY into an entry: one match is that entry; none
// is exit 3; several open a pick list on a terminal (standard input and standard error both
// terminals: the list is drawn on stderr, so `$(otp code git)` can still pick), and are exit 3
// with the candidates elsewhere, as scripts expect. A QUERY that is a secret is refused first.
import { InputError } from "../core/errors.js";
import { columnsOf, matchIndices, resolveFound, type MatchColumns, type Matchable } from "../core/match.js";
import type { Ctx } from "./context.js";
import { refuseSecretInArgv } from "./vault.js";

/**
 * Throws InputError `secret-on-command-line` (exit 2) when QUERY looks like a base32 seed or an
 * otpauth URI (vault.ts refuseSecretInArgv), never quoting it. Commands call it first, before any
 * prompt or vault open: a pasted seed is in the shell history already and must go no further.
 */
export function refuseSecretQuery(query: string | undefined): void {
  try {
    refuseSecretInArgv(query, "QUERY");
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(err.kind, err.message, [
      "it is now in your shell history: remove it there (and in any terminal log)",
      "a QUERY is an entry's name, issuer or part of them (`otp list` shows them); add a seed with `otp add NAME --stdin`",
    ]);
  }
}

export async function pickEntry<T extends Matchable>(ctx: Ctx, entries: T[], query: string): Promise<T> {
  return pickFrom(ctx, columnsOf(entries), (i) => entries[i]!, query);
}

/** pickEntry over columns (a vault's index): only the entries found are built, by `row`. */
export async function pickFrom<T extends Matchable>(ctx: Ctx, cols: MatchColumns, row: (i: number) => T, query: string): Promise<T> {
  const found = matchIndices(cols, query).map(row);
  if (found.length <= 1 || !ctx.stdinIsTTY || !ctx.stderrIsTTY) return resolveFound(found, query);
  return ctx.prompts.pick(`"${query}" matches ${found.length} entries; pick one:`, found);
}
