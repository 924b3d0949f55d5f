// Query matching (docs/cli-contract.md "Query matching"): which entries a QUERY names, case-insensitively,
// by the first rule that matches anything: exact name, unique exact issuer, substring, subsequence.
import { NotFoundError } from "./errors.js";
import { escapeForTerminal } from "./text.js";

export interface Matchable {
  name: string;
  issuer: string;
  account: string;
}

/**
 * Entries seen through their fields: a matcher over a 10,000-entry index need not build an
 * object per entry (vault/payload.ts), and folds a string only when it could match.
 */
export interface MatchColumns {
  length: number;
  name(i: number): string;
  issuer(i: number): string;
  account(i: number): string;
  /** every name, issuer and account is ASCII: folding is then toLowerCase and keeps the length */
  ascii?: boolean;
}

/** The columns of entries already in objects. */
export function columnsOf(entries: readonly Matchable[]): MatchColumns {
  return {
    length: entries.length,
    name: (i) => entries[i]!.name,
    issuer: (i) => entries[i]!.issuer,
    account: (i) => entries[i]!.account,
  };
}

function fold(s: string): string {
  return s.normalize("NFC").toLowerCase();
}

const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

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
  return matchIndices(columnsOf(entries), query).map((i) => entries[i]!);
}

/** matchEntries over columns: the places of the entries QUERY names. */
export function matchIndices(cols: MatchColumns, query: string): number[] {
  const all = Array.from({ length: cols.length }, (_, i) => i);
  const q = fold(query.trim());
  if (q === "") return all;
  // Folding is the cost at 10,000 entries: an ASCII column folds by toLowerCase alone, and a
  // string whose length differs from an ASCII query's cannot equal it, so it is never folded.
  const f = cols.ascii ? (s: string) => s.toLowerCase() : fold;
  const byLength = !!cols.ascii && isAscii(q);
  const equal = (s: string) => (!byLength || s.length === q.length) && f(s) === q;
  const byName = all.filter((i) => equal(cols.name(i)));
  if (byName.length > 1) {
    const caseExact = byName.filter((i) => cols.name(i).normalize("NFC") === query.trim().normalize("NFC"));
    if (caseExact.length === 1) return caseExact;
  }
  if (byName.length > 0) return byName;

  const byIssuer = all.filter((i) => equal(cols.issuer(i)));
  if (byIssuer.length === 1) return byIssuer;

  // Keys are folded rule by rule: an exact name or issuer (the common cases) never folds the rest.
  const names = all.map((i) => f(cols.name(i)));
  const fulls = all.map((i) => f(`${cols.issuer(i)}:${cols.account(i)}`));
  const bySubstring = all.filter((i) => fulls[i]!.includes(q) || names[i]!.includes(q));
  if (bySubstring.length > 0) return bySubstring;

  return all.filter((i) => isSubsequence(q, names[i]!) || isSubsequence(q, fulls[i]!));
}

/**
 * The one entry QUERY names (see matchEntries). Throws NotFoundError `not-found` when none
 * matches, or `ambiguous` with the candidates' names (raw: escape them before printing) when
 * several do. The query appears in messages escaped for the terminal.
 */
export function resolveEntry<T extends Matchable>(entries: T[], query: string): T {
  return resolveFound(matchEntries(entries, query), query);
}

/** resolveEntry's verdict on the entries matchEntries found. */
export function resolveFound<T extends Matchable>(found: T[], query: string): T {
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
