// The format registries (src/core/codecs/formats.ts for import, src/cli/commands/export/formats.ts for
// export) are the one list of formats: the README names exactly those, and the lists stay light,
// since cli/program.ts reads them on every command's start-up (docs/startup.md).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/otp-home.js";
import { IMPORT_FORMATS } from "../../../src/core/codecs/formats.js";
import { EXPORT_FORMATS } from "../../../src/cli/commands/export/formats.js";
import { exportChoices, exportFormatDescription, importChoices, importFormats, importFormatsHelp } from "../../../src/cli/format-help.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

/** The rows of the table under "## Moving between apps" whose header has a `--format` column. */
function readmeImportTable(): { app: string; names: string[] }[] {
  const section = readme.slice(readme.indexOf("## Moving between apps"));
  const lines = section.split("\n");
  const head = lines.findIndex((l) => /^\| app \| `--format` \|/.test(l));
  expect(head, "the README's table of import formats").toBeGreaterThan(0);
  const rows: { app: string; names: string[] }[] = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith("|")) break;
    const [app, format] = line.split(" | ").map((c) => c.replace(/^\| /, ""));
    rows.push({ app: app!, names: [...format!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) });
  }
  return rows;
}

describe("the format registries", () => {
  it("the README's import table has a row for each import format, and no other", () => {
    const named = readmeImportTable().flatMap((r) => r.names);
    expect(new Set(named).size, "a format in two rows").toBe(named.length);
    expect([...named].sort()).toEqual(importFormats().map((f) => f.name));
  });

  it("the README names exactly the export formats", () => {
    const m = /`otp export` writes ([^\n]*(?:\n[^\n]+)*)/.exec(readme);
    expect(m, "the README's sentence on export formats").not.toBeNull();
    const named = [...m![1]!.matchAll(/`([a-z0-9-]+)`/g)].map((x) => x[1]!);
    expect(named).toEqual(EXPORT_FORMATS.map((f) => f.name));
  });

  it("--format's choices, and the formats in help, are the registries'", () => {
    expect(importChoices()).toEqual(["auto", ...[...IMPORT_FORMATS.map((f) => f.name), "image"].sort()]);
    expect(exportChoices()).toEqual(EXPORT_FORMATS.map((f) => f.name));
    const help = importFormatsHelp();
    for (const f of [...IMPORT_FORMATS]) expect(help).toContain(`${f.name.padEnd(20)}${f.title}\n`);
    for (const line of help.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
    for (const f of EXPORT_FORMATS) expect(exportFormatDescription()).toContain(`${f.name} (${f.title})`);
  });

  it("the lists load no format: their only static imports are types and each other", () => {
    const files = ["src/core/codecs/formats.ts", "src/cli/commands/export/formats.ts", "src/cli/format-help.ts"];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), "utf8");
      const statics = [...text.matchAll(/^import (?!type )[^;]*? from "([^"]+)";$/gm)].map((m) => m[1]!);
      expect(
        statics.filter((s) => !/^\.\.?\/(?:\.\.\/)?(?:core\/codecs\/|export\/)?formats\.js$|^\.\/commands\/export\/formats\.js$/.test(s)),
        file,
      ).toEqual([]);
    }
  });
});
