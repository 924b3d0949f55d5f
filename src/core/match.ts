// Query matching (docs/cli-contract.md "Query matching"): which entries a QUERY names, case-insensitively,
// by the first rule that matches anything: exact name, unique exact issuer, substring, subsequence.
import { NotFoundError } from "./errors.js";
import { escapeForTerminal } from "./text.js";

export interface Matchable {
  name: string;
  issuer: string;
  account: string;
}

function fold(s: string): string {
  return s.normalize("NFC").toLowerCase();
}

/** True when every character of `needle` appears in `hay` in order (`gh` in `github`). */
function isSubsequence(needle: string, hay: string): boolean {
  const hs = Array.from(hay);
  let i = 0;
  for (const c of needle) {
    while (i < hs.length && hs[i] !== c) i++;
    if (i === hs.length) return false;
    i++;
  }
  return true;
}

/**
 * The entries QUERY names: those of the first rule that matches anything, in the entries' order.
 * 1. exact name (case-insensitive; if names differ only by case, a case-exact one wins);
 * 2. exact issuer, when only one entry has it;
 * 3. substring of `issuer:account` or of the name;
 * 4. in-order subsequence of the name or of `issuer:account`.
 * An empty (or blank) query gives all entries; no match gives []. Never throws.
 */
export function matchEntries<T extends Matchable>(entries: T[], query: string): T[] {
  const q = fold(query.trim());
  if (q === "") return [...entries];
  // Keys are folded rule by rule: an exact name (the common case) never folds the rest.
  const names = entries.map((e) => fold(e.name));
  const byName = entries.filter((_, i) => names[i] === q);
  if (byName.length > 1) {
    const caseExact = byName.filter((e) => e.name.normalize("NFC") === query.trim().normalize("NFC"));
    if (caseExact.length === 1) return [caseExact[0]!];
  }
  if (byName.length > 0) return byName;

  const byIssuer = entries.filter((e) => fold(e.issuer) === q);
  if (byIssuer.length === 1) return [byIssuer[0]!];

  const fulls = entries.map((e) => fold(`${e.issuer}:${e.account}`));
  const bySubstring = entries.filter((_, i) => fulls[i]!.includes(q) || names[i]!.includes(q));
  if (bySubstring.length > 0) return bySubstring;

  return entries.filter((_, i) => isSubsequence(q, names[i]!) || isSubsequence(q, fulls[i]!));
}

/**
 * The one entry QUERY names (see matchEntries). Throws NotFoundError `not-found` when none
 * matches, or `ambiguous` with the candidates' names (raw: escape them before printing) when
 * several do. The query appears in messages escaped for the terminal.
 */
export function resolveEntry<T extends Matchable>(entries: T[], query: string): T {
  const found = matchEntries(entries, query);
  const shown = escapeForTerminal(query);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new NotFoundError("not-found", `no entry matches "${shown}"`, [], ["`otp list` shows all entries"]);
  throw new NotFoundError(
    "ambiguous",
    `"${shown}" matches ${found.length} entries`,
    found.map((e) => e.name),
    ["give more of the name, or the exact name (`otp list` shows all entries)"],
  );
}
