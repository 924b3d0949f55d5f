// The one way query-taking commands turn QUERY into an entry: one match is that entry; none
// is exit 3; several open a pick list on a terminal (standard input and standard error both
// terminals: the list is drawn on stderr, so `$(otp code git)` can still pick), and are exit 3
// with the candidates elsewhere, as scripts expect.
import { matchEntries, resolveEntry, type Matchable } from "../core/match.js";
import type { Ctx } from "./context.js";

export async function pickEntry<T extends Matchable>(ctx: Ctx, entries: T[], query: string): Promise<T> {
  const found = matchEntries(entries, query);
  if (found.length <= 1 || !ctx.stdinIsTTY || !ctx.stderrIsTTY) return resolveEntry(entries, query);
  const { askPick } = await import("../io/prompts.js");
  return askPick(`"${query}" matches ${found.length} entries; pick one:`, found);
}
