// The rules the code relies on live in this repository: a comment or test in src/ or test/ cites
// docs/*.md, the README or the code, never a file outside it (the design notes, test plan,
// package notes, style guide or user notes of the workspace otp was first written in, nor an
// issue tracker's numbers), and every docs/….md it cites exists.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/otp-home.js";

const TEXT = /\.(ts|mts|cts|js|mjs|cjs|md|txt|json|sh)$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name.startsWith(".") || d.name === "node_modules") return [];
    const p = join(dir, d.name);
    return d.isDirectory() ? files(p) : TEXT.test(d.name) ? [p] : [];
  });
}

// Spelled in pieces, so this file does not cite them itself.
const OUTSIDE = new RegExp(
  [
    "TEST" + "PLAN",
    "PACK" + "AGES\\.md",
    "DES" + "IGN\\.md",
    "STY" + "LE\\.md",
    "US" + "ERS\\.md",
    "\\.\\./" + "shared",
    "\\(iss" + "ue \\d",
    "\\biss" + "ue \\d+(\\.\\d+)?\\b",
  ].join("|"),
);

const sources = [...files(join(ROOT, "src")), ...files(join(ROOT, "test"))];

describe("citations", () => {
  it("nothing under src/ or test/ cites a rule file outside the repository or an issue number", () => {
    const bad: string[] = [];
    for (const file of sources)
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          const m = OUTSIDE.exec(line);
          if (m) bad.push(`${relative(ROOT, file)}:${i + 1}: ${m[0]}`);
        });
    expect(bad).toEqual([]);
  });

  it("every docs/….md cited under src/ or test/ exists", () => {
    const cited = new Set<string>();
    // Aegis's own docs/vault.md (its format, cited by the Aegis codecs and the upstream texts
    // in test/fixtures/) is not ours.
    for (const file of sources.filter((f) => !f.startsWith(join(ROOT, "test", "fixtures"))))
      for (const line of readFileSync(file, "utf8").split("\n"))
        if (!/Aegis/.test(line)) for (const m of line.matchAll(/\bdocs\/[\w.-]+\.md\b/g)) cited.add(m[0]);
    expect(cited.size).toBeGreaterThan(5);
    expect([...cited].filter((d) => !existsSync(join(ROOT, d)))).toEqual([]);
  });

  it("the check above catches each kind of outside citation", () => {
    for (const s of [
      "(TEST" + "PLAN §7.3)",
      "PACK" + "AGES.md",
      "DES" + "IGN.md rules",
      "STY" + "LE.md §7",
      "../" + "shared/x",
      "(iss" + "ue 6)",
      "iss" + "ue 11.6 prompts",
    ])
      expect(OUTSIDE.test(s), s).toBe(true);
    expect(OUTSIDE.test("docs/testplan.md B.16")).toBe(false);
  });
});
