// Every error class takes (kind, message, hints) in that order. The types catch hints given where
// a message goes, but not a message given where the kind goes (both are strings): this test
// reads every `new XError(` in src/ and checks that its first argument is a kind.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { GitError } from "../../../src/core/git-output.js";
import { AuthError, InputError, NotFoundError, OtpError, UsageError, VaultDamagedError } from "../../../src/core/errors.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const CLASSES = ["OtpError", "UsageError", "InputError", "NotFoundError", "AuthError", "VaultDamagedError", "GitError"];
const KIND = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

/** The first argument's text: up to the first comma or closing parenthesis outside brackets and strings. */
function firstArgument(text: string, from: number): string {
  let depth = 0;
  let quote = "";
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) {
      if (depth === 0) return text.slice(from, i).trim();
      depth--;
    } else if (ch === "," && depth === 0) return text.slice(from, i).trim();
  }
  return text.slice(from).trim();
}

/** A kind: a kebab-case literal, a choice between such literals, or an expression naming a kind. */
function isKind(arg: string): boolean {
  const literals = [...arg.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  if (literals.length > 0) return literals.every((l) => KIND.test(l)) && !/[`+]/.test(arg);
  return /(^|\.)kind$/.test(arg);
}

describe("error classes", () => {
  it("every call site in src/ gives the kind first", () => {
    const bad: string[] = [];
    let seen = 0;
    for (const file of sources(join(ROOT, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(new RegExp(`new (${CLASSES.join("|")})\\(`, "g"))) {
        seen++;
        const arg = firstArgument(text, m.index! + m[0].length);
        if (!isKind(arg)) bad.push(`${relative(ROOT, file)}:${text.slice(0, m.index).split("\n").length}: ${m[1]}(${arg}, …)`);
      }
    }
    expect(seen).toBeGreaterThan(200);
    expect(bad).toEqual([]);
  });

  it("the check above tells a kind from a message", () => {
    expect(isKind('"usage"')).toBe(true);
    expect(isKind('kind ? "unsupported-image" : "invalid-image"')).toBe(true);
    expect(isKind("err.kind")).toBe(true);
    expect(isKind('"the export password can\'t be empty"')).toBe(false);
    expect(isKind("`unknown export format ${f}`")).toBe(false);
    expect(isKind("AT_USAGE")).toBe(false);
  });

  it("each class keeps kind, message and hints where they were given", () => {
    for (const C of [OtpError, UsageError, InputError, AuthError, VaultDamagedError, GitError]) {
      const e = new C("some-kind", "a message", ["a hint"]);
      expect([e.kind, e.message, e.hints]).toEqual(["some-kind", "a message", ["a hint"]]);
    }
    const n = new NotFoundError("ambiguous", "several match", ["a", "b"], ["be precise"]);
    expect([n.kind, n.message, n.candidates, n.hints]).toEqual(["ambiguous", "several match", ["a", "b"], ["be precise"]]);
  });
});
