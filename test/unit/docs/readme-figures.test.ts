// The README's figures say where they come from: the key derivation's cost is what
// `npm run bench` prints, by the very row names the bench prints, on a named machine; no bare
// "about N s" for it; and `npm test` is said to take minutes, not left to surprise.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/otp-home.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8").replace(/\s+/g, " ");
const bench = readFileSync(join(ROOT, "bench", "code-startup.mjs"), "utf8");
/** Whether the README says it (a boolean, so a failure names the phrase and not the whole README). */
const says = (what: string | RegExp) => (typeof what === "string" ? readme.includes(what) : what.test(readme));

describe("README figures", () => {
  it("the key derivation's cost: the bench rows that show it, which the bench really prints, and the machine measured", () => {
    const rows = ["otp code (password, KDF)", "otp code (session)"];
    for (const row of rows) {
      expect(says(`\`${row}\``), row).toBe(true);
      expect(bench).toContain(`"${row}"`);
    }
    expect(says("`npm run bench` prints it on yours"), "bench").toBe(true);
    expect(says(/On the 2-core [^.]*machine otp is developed and tested on, the derivation alone took about [\d.]+ s/), "machine").toBe(
      true,
    );
    expect(says(/derivation[^.]*\babout 0\.2 s\b/), "a bare figure").toBe(false);
  });

  it("says how long `npm test` takes", () => {
    expect(
      says(
        /`npm test` runs the type check, lint and every test layer with vitest side by side, after the builds \(`scripts\/test\.mjs`\): about \d+ minutes/,
      ),
      "Development",
    ).toBe(true);
    expect(says(/npm test +# builds and runs every test layer: several minutes/), "Set-up").toBe(true);
  });
});
