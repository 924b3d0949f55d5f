// Query matching (docs/cli-contract.md "Query matching", docs/testplan.md H.60): each rule in order, case-insensitivity,
// ambiguity with candidates, not-found, and queries escaped in messages.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../../src/core/errors.js";
import { columnsOf, matchEntries, matchIndices, resolveEntry, type MatchColumns, type Matchable } from "../../../src/core/match.js";

const e = (name: string, issuer: string, account: string) => ({ name, issuer, account });
const github = e("github", "GitHub", "alice@example.com");
const gitlab = e("gitlab", "GitLab", "alice@example.com");
const work = e("GitHub-work", "GitHub", "alice@corp.example");
const google = e("Google", "Google", "alice@gmail.com");
const aws = e("aws-prod", "Amazon Web Services", "root");
const all = [github, gitlab, work, google, aws];

function names(list: { name: string }[]): string[] {
  return list.map((x) => x.name);
}

describe("matchEntries", () => {
  it("gives all entries for an empty or blank query", () => {
    expect(matchEntries(all, "")).toEqual(all);
    expect(matchEntries(all, "  ")).toEqual(all);
  });

  it("1. an exact name wins over everything else, in any case", () => {
    expect(names(matchEntries(all, "github"))).toEqual(["github"]); // although "GitHub-work" contains it
    expect(names(matchEntries(all, "GITHUB"))).toEqual(["github"]);
    expect(names(matchEntries(all, "github-WORK"))).toEqual(["GitHub-work"]);
  });

  it("1. prefers the case-exact name when two names differ only in case", () => {
    const twins = [e("Mail", "A", "x"), e("mail", "B", "y")];
    expect(matchEntries(twins, "mail")).toEqual([twins[1]]);
    expect(matchEntries(twins, "Mail")).toEqual([twins[0]]);
    expect(matchEntries(twins, "MAIL")).toEqual(twins);
  });

  it("2. then an exact issuer that only one entry has", () => {
    expect(names(matchEntries(all, "amazon web services"))).toEqual(["aws-prod"]);
    expect(names(matchEntries(all, "Google"))).toEqual(["Google"]); // also its name
  });

  it("2. an issuer several entries share falls through to substrings", () => {
    expect(names(matchEntries(all, "GitHub"))).toEqual(["github"]); // the name rule wins first
    const two = [e("personal", "GitHub", "a"), e("work", "GitHub", "b"), e("other", "Gitea", "c")];
    expect(names(matchEntries(two, "github"))).toEqual(["personal", "work"]);
  });

  it("3. then a substring of issuer:account or of the name", () => {
    expect(names(matchEntries(all, "git"))).toEqual(["github", "gitlab", "GitHub-work"]);
    expect(names(matchEntries(all, "corp"))).toEqual(["GitHub-work"]);
    expect(names(matchEntries(all, "hub:alice@corp"))).toEqual(["GitHub-work"]);
    expect(names(matchEntries(all, "PROD"))).toEqual(["aws-prod"]);
    expect(names(matchEntries(all, "services:ro"))).toEqual(["aws-prod"]);
  });

  it("4. then an in-order subsequence", () => {
    expect(names(matchEntries(all, "gh"))).toEqual(["github", "GitHub-work"]);
    expect(names(matchEntries(all, "ghw"))).toEqual(["GitHub-work"]);
    expect(names(matchEntries(all, "AWSP"))).toEqual(["aws-prod"]);
    expect(names(matchEntries(all, "gglgmail"))).toEqual(["Google"]);
  });

  it("finds nothing when no rule matches", () => {
    expect(matchEntries(all, "bitbucket")).toEqual([]);
    expect(matchEntries(all, "hg")).toEqual([]); // out of order
    expect(matchEntries([], "x")).toEqual([]);
  });

  it("folds unicode case and composition", () => {
    const cafe = [e("Café", "ÉCOLE", "x")];
    expect(matchEntries(cafe, "CAFÉ")).toEqual(cafe);
    expect(matchEntries(cafe, "cafe\u0301")).toEqual(cafe);
    expect(matchEntries(cafe, "école")).toEqual(cafe);
  });
});

describe("resolveEntry", () => {
  it("returns the one entry a query names", () => {
    expect(resolveEntry(all, "gitlab")).toBe(gitlab);
    expect(resolveEntry(all, "ghw")).toBe(work);
  });

  it("refuses an ambiguous query with kind ambiguous and every candidate", () => {
    let err: unknown;
    try {
      resolveEntry(all, "git");
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(NotFoundError);
    const nf = err as NotFoundError;
    expect(nf.kind).toBe("ambiguous");
    expect(nf.message).toBe('"git" matches 3 entries');
    expect(nf.candidates).toEqual(["github", "gitlab", "GitHub-work"]);
    expect(nf.hints).toHaveLength(1);
  });

  it("refuses an unknown query with kind not-found and a hint", () => {
    expect(() => resolveEntry(all, "bitbucket")).toThrow(
      expect.objectContaining({
        kind: "not-found",
        message: 'no entry matches "bitbucket"',
        candidates: [],
        hints: ["`otp list` shows all entries"],
      }),
    );
  });

  it("escapes control and bidi characters of the query in its messages", () => {
    expect(() => resolveEntry(all, "\u001b[2J\u202egit")).toThrow(
      expect.objectContaining({ message: 'no entry matches "\\u{1b}[2J\\u{202e}git"' }),
    );
  });
});

describe("matchIndices over an ASCII index", () => {
  // The index (vault/payload.ts) marks columns ASCII when they are: the matcher then folds by
  // toLowerCase alone and skips strings whose length differs from the query's. It must find
  // exactly what the full fold finds, rule for rule.
  const word = fc.stringMatching(/^[A-Za-z0-9 ._@:-]{0,8}$/);
  const entry = fc.record({ name: word, issuer: word, account: word });
  const asciiCols = (es: Matchable[]): MatchColumns => ({ ...columnsOf(es), ascii: true });

  /** The rules as first written, over objects with the full fold: the oracle. */
  function reference<T extends Matchable>(entries: T[], query: string): T[] {
    const fold = (s: string) => s.normalize("NFC").toLowerCase();
    const sub = (needle: string, hay: string) => {
      const hs = Array.from(hay);
      let i = 0;
      for (const c of needle) {
        while (i < hs.length && hs[i] !== c) i++;
        if (i === hs.length) return false;
        i++;
      }
      return true;
    };
    const q = fold(query.trim());
    if (q === "") return [...entries];
    const names = entries.map((x) => fold(x.name));
    const byName = entries.filter((_, i) => names[i] === q);
    if (byName.length > 1) {
      const caseExact = byName.filter((x) => x.name.normalize("NFC") === query.trim().normalize("NFC"));
      if (caseExact.length === 1) return [caseExact[0]!];
    }
    if (byName.length > 0) return byName;
    const byIssuer = entries.filter((x) => fold(x.issuer) === q);
    if (byIssuer.length === 1) return [byIssuer[0]!];
    const fulls = entries.map((x) => fold(`${x.issuer}:${x.account}`));
    const bySubstring = entries.filter((_, i) => fulls[i]!.includes(q) || names[i]!.includes(q));
    if (bySubstring.length > 0) return bySubstring;
    return entries.filter((_, i) => sub(q, names[i]!) || sub(q, fulls[i]!));
  }

  it("finds what the rules as first written find, for any ASCII entries and query", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.oneof(word, fc.constantFrom("git", "GIT", "gh", "a:b", " x ", "é")), (es, q) => {
        const expected = reference(es, q);
        expect(matchEntries(es, q)).toEqual(expected);
        expect(matchIndices(asciiCols(es), q).map((i) => es[i])).toEqual(expected);
        expect(matchIndices(columnsOf(es), q).map((i) => es[i])).toEqual(expected);
      }),
      { seed: 4_12_2026, numRuns: 500 },
    );
  });

  it("finds what the rules as first written find, for any Unicode entries (the full fold)", () => {
    const any = fc.string({ maxLength: 6, unit: "grapheme" });
    fc.assert(
      fc.property(fc.array(fc.record({ name: any, issuer: any, account: any }), { maxLength: 20 }), any, (es, q) => {
        expect(matchIndices(columnsOf(es), q).map((i) => es[i])).toEqual(reference(es, q));
      }),
      { seed: 5_12_2026, numRuns: 300 },
    );
  });

  it("picks entries from the query's own entries and names by index", () => {
    const es = [
      { name: "GitHub", issuer: "GitHub", account: "me" },
      { name: "gitlab", issuer: "GitLab", account: "me" },
    ];
    expect(matchIndices(asciiCols(es), "github")).toEqual([0]);
    expect(matchIndices(asciiCols(es), "GITLAB")).toEqual([1]);
    expect(matchIndices(asciiCols(es), "")).toEqual([0, 1]);
  });
});
