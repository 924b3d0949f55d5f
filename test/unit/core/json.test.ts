// One isObject and one sorted-key JSON for all of core (src/core/json.ts): the vault's format,
// content and merge and the import codecs use it, and no other copy creeps back.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, isObject, sameJson, sortKeys } from "../../../src/core/json.js";
import { ROOT } from "../../helpers/otp-home.js";

/** The canonical JSON merge.ts used to make, with a replacer: the new one must spell everything the same. */
const replacerJson = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, (x as Record<string, unknown>)[k]]),
        )
      : x,
  );

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

describe("core/json", () => {
  it("isObject: objects only, not null or arrays", () => {
    expect([{}, { a: 1 }, null, [], "x", 1, undefined].map(isObject)).toEqual([true, true, false, false, false, false, false]);
  });

  it("sortKeys and canonicalJson: keys sorted at every depth, arrays kept in order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }], c: { z: null, y: "x" } })).toBe('{"a":[{"c":2,"d":1}],"b":1,"c":{"y":"x","z":null}}');
    expect(sortKeys({ b: 1, a: 2 })).toEqual({ a: 2, b: 1 });
    expect(canonicalJson(JSON.parse('{"z":1,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"z":1}');
    fc.assert(
      fc.property(fc.jsonValue(), (v) => canonicalJson(v) === replacerJson(v)),
      { numRuns: 500 },
    );
  });

  it("sameJson is equality of canonical JSON: key order aside, values compared", () => {
    expect(sameJson({ a: 1, b: [{ c: 1, d: 2 }] }, { b: [{ d: 2, c: 1 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { a: 1, b: 3 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    const shuffled = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(shuffled)
        : isObject(v)
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, shuffled(x)]),
            )
          : v;
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(sameJson(a, shuffled(a))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("no other copy of isObject or of sorted-key JSON under src/", () => {
    const copies: string[] = [];
    for (const file of sources(join(ROOT, "src"))) {
      if (file.endsWith(join("core", "json.ts"))) continue;
      const text = readFileSync(file, "utf8");
      if (
        /=> *v !== null && typeof v === "object" && !Array\.isArray\(v\)|function isObj(ect)?\(|Object\.keys\([^)]*\)\.sort\(\)\.map\(|for \(const k of Object\.keys\([^)]*\)\.sort\(\)\)/.test(
          text,
        )
      )
        copies.push(relative(ROOT, file));
    }
    expect(copies).toEqual([]);
  });
});
