// Commands' options are checked at compile time (src/cli/typed-commander.ts, docs/cli-contract.md
// "Options are typed"): program.ts with one deliberate mismatch, compiled beside the real files,
// must fail `npm run typecheck` with a message naming the option; the real program.ts passes.
// The mismatched copies live only in memory, next to the real program.ts so that its imports
// resolve; one compilation checks them all.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/otp-home.js";

const PROGRAM = join(ROOT, "src/cli/program.ts");
const programText = readFileSync(PROGRAM, "utf8");
const addText = readFileSync(join(ROOT, "src/cli/commands/add/add.ts"), "utf8");

/** program.ts with `from` replaced by `to` (which must be there, or the probe proves nothing). */
function edited(text: string, from: string, to: string): string {
  expect(text, `the probe's anchor is gone: ${from}`).toContain(from);
  return text.replace(from, to);
}

const cases: { what: string; files: () => Record<string, string>; want: string }[] = [
  {
    what: "an option renamed in program.ts only",
    files: () => ({
      "src/cli/probe-renamed.ts": edited(
        programText,
        '.option("--digits <n>", "code length, 6 to 10"',
        '.option("--digit <n>", "code length, 6 to 10"',
      ),
    }),
    want: "option 'digit' is declared in program.ts but not in run()'s options",
  },
  {
    // The slip plain assignability lets through: every property is optional.
    what: "a misspelt optional property in the command's options type",
    files: () => ({
      "src/cli/commands/add/add-probe.ts": edited(addText, "  digits?: number;\n", "  digits?: number;\n  digts?: number;\n"),
      "src/cli/probe-misspelt.ts": edited(programText, 'import("./commands/add/add.js")', 'import("./commands/add/add-probe.js")'),
    }),
    want: "option 'digts' is in run()'s options but not declared in program.ts",
  },
  {
    what: "a number option without its parser (commander gives a string)",
    files: () => ({
      "src/cli/probe-string.ts": edited(programText, '"code length, 6 to 10", int("--digits"))', '"code length, 6 to 10")'),
    }),
    want: "option 'digits' gets a value of another type than run()'s options say",
  },
  {
    what: "a flag that takes a value",
    files: () => ({ "src/cli/probe-value.ts": edited(programText, '.option("--stdin", ', '.option("--stdin <text>", ') }),
    want: "option 'stdin' gets a value of another type than run()'s options say",
  },
  {
    what: "--no-tags turned into --tags (always set → set only when given)",
    files: () => ({ "src/cli/probe-negatable.ts": edited(programText, '.option("--no-tags", ', '.option("--tags", ') }),
    want: "option 'tags' gets a value of another type than run()'s options say",
  },
  {
    what: "a default dropped (--for is always set, run() counts on it)",
    files: () => ({ "src/cli/probe-default.ts": edited(programText, '(at most 24h)", "15m")', '(at most 24h)")') }),
    want: "option 'for' gets a value of another type than run()'s options say",
  },
  {
    what: "an option for a command whose run() takes none",
    files: () => ({
      "src/cli/probe-ignored.ts": edited(
        programText,
        '.description("end every session of this vault")',
        '.description("end every session of this vault").option("--all")',
      ),
    }),
    want: "option 'all' is declared in program.ts but not in run()'s options",
  },
  {
    what: "an operand made optional that run() needs",
    files: () => ({
      "src/cli/probe-operand.ts": edited(
        programText,
        '.argument("<query>", "entry name, issuer or part of them")',
        '.argument("[query]", "entry name, issuer or part of them")',
      ),
    }),
    want: "run() cannot take the operands that program.ts declares",
  },
];

/** Every probe and the real program.ts in one compilation: the diagnostics of each root file, flattened. */
function compile(virtual: Record<string, string>): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  const files = new Map(Object.entries(virtual).map(([rel, text]) => [join(ROOT, rel), text]));
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = files.get(f);
    return text === undefined ? getSourceFile(f, lang, ...rest) : ts.createSourceFile(f, text, lang);
  };
  const roots = [PROGRAM, ...files.keys()].filter((f) => !f.includes("commands/"));
  const program = ts.createProgram(roots, config.options, host);
  return new Map(
    roots.map((f) => [
      f,
      program.getSemanticDiagnostics(program.getSourceFile(f)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    ]),
  );
}

describe("command options are typed", () => {
  let found: Map<string, string[]>;
  beforeAll(() => {
    found = compile(Object.assign({}, ...cases.map((c) => c.files())));
  }, 120_000);

  it("the real program.ts compiles", () => {
    expect(found.get(PROGRAM)).toEqual([]);
  });

  for (const c of cases)
    it(`fails on ${c.what}`, () => {
      const probe = Object.keys(c.files()).find((f) => !f.includes("commands/"))!;
      const messages = found.get(join(ROOT, probe))!;
      expect(messages.join("\n")).toContain(c.want);
    });
});
