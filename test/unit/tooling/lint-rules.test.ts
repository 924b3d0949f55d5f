// The lint rules (eslint.config.mjs) catch what they are for: one deliberate violation of each,
// linted as if it were a file at that path, must fail; the same code where it is allowed passes.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/otp-home.js";

const eslint = new ESLint({ cwd: ROOT });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${filePath}` });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const cases: [string, string, string, RegExp][] = [
  ["core imports io", "src/core/x.ts", 'import { git } from "../io/git.js";\nexport const y = git;\n', /core is pure/],
  ["core imports cli", "src/core/x.ts", 'import { run } from "../cli/run.js";\nexport const y = run;\n', /core is pure/],
  ["core does I/O", "src/core/x.ts", 'import { readFileSync } from "node:fs";\nexport const y = readFileSync;\n', /core is pure: no I\/O/],
  ["io imports cli", "src/io/x.ts", 'import { runCli } from "../cli/run.js";\nexport const y = runCli;\n', /io never imports cli/],
  ["a command imports io", "src/cli/commands/x.ts", 'import { git } from "../../io/git.js";\nexport const y = git;\n', /through ctx/],
  [
    "a command imports node:fs",
    "src/cli/commands/x.ts",
    'import { readFileSync } from "node:fs";\nexport const y = readFileSync;\n',
    /through ctx/,
  ],
  [
    "cli spawns a process",
    "src/cli/commands/sync/x.ts",
    'import { execFile } from "node:child_process";\nexport const y = execFile;\n',
    /through ctx/,
  ],
  ["a heavy package imported statically", "src/cli/x.ts", 'import sharp from "sharp";\nexport const y = sharp;\n', /loadPackage/],
  ["a package import() outside the loader", "src/io/x.ts", 'export const y = () => import("qrcode");\n', /loadPackage/],
  ["any in src", "src/cli/x.ts", "export const f = (x: any) => x;\n", /no-explicit-any/],
];

describe("lint", () => {
  for (const [what, path, code, want] of cases)
    it(`fails on ${what} (${path})`, async () => {
      const found = await problems(path, code);
      expect(found.join("\n")).toMatch(want);
    });

  it("passes the same code where it is allowed", async () => {
    expect(await problems("src/io/x.ts", 'import { readFileSync } from "node:fs";\nexport const y = readFileSync;\n')).toEqual([]);
    expect(await problems("src/core/load.ts", 'export const y = () => import("qrcode");\n')).toEqual([]);
    expect(await problems("src/cli/context.ts", 'import { git } from "../io/git.js";\nexport const y = git;\n')).toEqual([]);
    expect(await problems("src/cli/x.ts", 'import type sharp from "sharp";\nexport type Y = typeof sharp;\n')).toEqual([]);
  });
});
