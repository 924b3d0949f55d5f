// Terminal-safe text (docs/testplan.md H.60) and codes grouped for reading.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeForTerminal, escapeHtml, groupCode, isTerminalSafe, safeJson } from "../../../src/core/text.js";

describe("escapeForTerminal", () => {
  it.each([
    ["\u001b[2J", "\\u{1b}[2J"],
    ["a\nb\rc\td", "a\\u{a}b\\u{d}c\\u{9}d"],
    ["\u0000\u0007\u007f", "\\u{0}\\u{7}\\u{7f}"],
    ["\u009b31m", "\\u{9b}31m"],
    ["evil\u202Etxt.exe", "evil\\u{202e}txt.exe"],
    ["\u202a\u202b\u202c\u202d", "\\u{202a}\\u{202b}\\u{202c}\\u{202d}"],
    ["\u2066\u2067\u2068\u2069", "\\u{2066}\\u{2067}\\u{2068}\\u{2069}"],
    ["\u200e\u200f\u061c", "\\u{200e}\\u{200f}\\u{61c}"],
    ["line\u2028sep\u2029", "line\\u{2028}sep\\u{2029}"],
  ])("escapes %j", (input, out) => {
    expect(escapeForTerminal(input)).toBe(out);
  });

  it.each(["GitHub", "café", "Café e\u0301", "🔑 👩‍💻", "東京", "עברית", "العربية", "a\\u{1b}b", ""])("keeps %j as it is", (s) => {
    expect(escapeForTerminal(s)).toBe(s);
  });

  it("leaves no control or bidi character in any string", () => {
    fc.assert(
      // code points up to U+2FFF cover every escaped range (unit "binary" costs 1.5 s to set up)
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x2fff }).map((c) => String.fromCodePoint(c)) }), (s) => {
        expect(escapeForTerminal(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u);
      }),
    );
  });
});

/** Anything a terminal could act on: C0 but the newline, DEL, C1, bidi controls, line separators. */
const ACTS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0x2fff }).map((c) => String.fromCodePoint(c)) });

describe("isTerminalSafe", () => {
  it("is true exactly when escapeForTerminal leaves the string as it is", () => {
    expect(isTerminalSafe("GitHub é 東京")).toBe(true);
    expect(isTerminalSafe("a\u001b[2J")).toBe(false);
    expect(isTerminalSafe("\u202e")).toBe(false);
    fc.assert(
      fc.property(anyText, (s) => {
        expect(isTerminalSafe(s)).toBe(escapeForTerminal(s) === s);
      }),
    );
  });
});

describe("safeJson", () => {
  it("writes what JSON.stringify leaves raw (DEL, C1, bidi, U+2028/9) as \\u escapes", () => {
    const v = { name: "a\u007fb\u009bc\u202ed\u2028e\u2066f\u200eg\u061ch", esc: "\u001b[2J" };
    const out = safeJson(v, 2);
    expect(JSON.stringify(v)).toMatch(/\u009b/u); // the gap safeJson closes
    expect(out).not.toMatch(ACTS);
    expect(out).toContain("\\u009b");
    expect(out).toContain("\\u202e");
    expect(JSON.parse(out)).toEqual(v);
  });

  it("parses back to exactly the value, with nothing a terminal acts on, for any strings", () => {
    fc.assert(
      fc.property(fc.dictionary(anyText, fc.oneof(anyText, fc.array(anyText), fc.integer())), (v) => {
        const out = safeJson(v, 2);
        expect(out).not.toMatch(ACTS);
        expect(JSON.parse(out)).toEqual(v);
      }),
    );
  });
});

describe("escapeHtml", () => {
  it("escapes markup as entities and control or bidi characters visibly", () => {
    expect(escapeHtml(`<b>"x" & 'y'</b>`)).toBe("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
    expect(escapeHtml("evil\u202etxt\u001b[2J")).toBe("evil\\u{202e}txt\\u{1b}[2J");
    expect(escapeHtml("café 東京")).toBe("café 東京");
  });
});

describe("groupCode", () => {
  it.each([
    ["12345", "12345"],
    ["FR8RV", "FR8RV"],
    ["012345", "012 345"],
    ["1234567", "123 4567"],
    ["12345678", "1234 5678"],
    ["123456789", "123 456 789"],
    ["1234567890", "12345 67890"],
    ["", ""],
    ["1234", "1234"],
  ])("%s → %j", (code, grouped) => {
    expect(groupCode(code)).toBe(grouped);
  });
});
