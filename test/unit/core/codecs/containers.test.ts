// The small container readers the app codecs stand on: Android SharedPreferences XML, RFC 4180
// CSV and Java's serialized HashMap<String, String>, each with the malformed inputs they refuse.
import { describe, expect, it } from "vitest";
import { parseAndroidPrefs } from "../../../../src/core/codecs/android-prefs.js";
import { parseCsv } from "../../../../src/core/codecs/csv.js";
import { decodeModifiedUtf8, JavaSerialError, readJavaStringMap } from "../../../../src/core/codecs/java-serial.js";

describe("parseAndroidPrefs", () => {
  it("strings with entities and CDATA, numbers, booleans, sets, comments and the prolog", () => {
    const xml = `<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<!-- c -->\n<map>\n  <int name="n" value="3" />\n  <string name="s">a &amp; &lt;b&gt; &quot;c&quot; &#233;&#x263A;</string>\n  <string name="cd"><![CDATA[<x>&amp;]]></string>\n  <boolean name="b" value="true"/>\n  <set name="set"><string>one</string><string>two</string></set>\n  <string name="empty" />\n</map>\n`;
    const m = parseAndroidPrefs(xml)!;
    expect(Object.fromEntries(m)).toEqual({ n: "3", s: 'a & <b> "c" é☺', cd: "<x>&amp;", b: "true", set: ["one", "two"], empty: "" });
  });
  it("refuses what is not a preferences map", () => {
    for (const bad of [
      "",
      "<map>",
      "<root></root>",
      '<map><string name="a">x</map>',
      "<map><string>x</string></map>",
      '<map><string name="a">&bogus;</string></map>',
      "<map></map> trailing",
      '<map><div name="a"/></map>',
    ])
      expect(parseAndroidPrefs(bad), bad).toBeNull();
  });
});

describe("parseCsv", () => {
  it("quotes, doubled quotes, commas and line breaks inside fields; CRLF; a BOM; no trailing newline", () => {
    expect(parseCsv('\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\n,,\nlast,row,here')).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "two\nlines"],
      ["", "", ""],
      ["last", "row", "here"],
    ]);
  });
  it("refuses an unterminated quote", () => {
    expect(() => parseCsv('a,"b\n')).toThrow();
  });
});

/** A serialized HashMap<String,String> as Java 8+ writes it (loadFactor and threshold). */
function javaMap(pairs: [string, string][], opts: { refValue?: boolean } = {}): Uint8Array {
  const out: number[] = [0xac, 0xed, 0x00, 0x05, 0x73, 0x72];
  const utf = (s: string) => {
    const b = Buffer.from(s, "utf8");
    out.push(b.length >> 8, b.length & 0xff, ...b);
  };
  utf("java.util.HashMap");
  out.push(0x05, 0x07, 0xda, 0xc1, 0xc3, 0x16, 0x60, 0xd1, 0x03, 0x00, 0x02, 0x46);
  utf("loadFactor");
  out.push(0x49);
  utf("threshold");
  out.push(0x78, 0x70, 0x3f, 0x40, 0, 0, 0, 0, 0, 12, 0x77, 0x08, 0, 0, 0, 16, 0, 0, 0, pairs.length);
  pairs.forEach(([k, v], i) => {
    out.push(0x74);
    utf(k);
    if (opts.refValue && i > 0)
      out.push(0x71, 0x00, 0x7e, 0x00, 0x02); // the first string written
    else {
      out.push(0x74);
      utf(v);
    }
  });
  out.push(0x78);
  return new Uint8Array(out);
}

describe("readJavaStringMap", () => {
  it("reads keys and values in order, and back-references to earlier strings", () => {
    expect([
      ...readJavaStringMap(
        javaMap([
          ["a", "1"],
          ["b", "2"],
        ]),
      ),
    ]).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect([
      ...readJavaStringMap(
        javaMap(
          [
            ["a", "1"],
            ["b", "ignored"],
          ],
          { refValue: true },
        ),
      ),
    ]).toEqual([
      ["a", "1"],
      ["b", "a"],
    ]);
  });
  it("refuses a truncated stream, another class, or a wrong magic", () => {
    const good = javaMap([["masterKey", "{}"]]);
    for (let n = 0; n < good.length; n += 7) expect(() => readJavaStringMap(good.subarray(0, n))).toThrow(JavaSerialError);
    const other = Buffer.from(good);
    other[8] = "X".charCodeAt(0);
    expect(() => readJavaStringMap(other)).toThrow(JavaSerialError);
    expect(() => readJavaStringMap(new Uint8Array([0xca, 0xfe, 0, 5]))).toThrow(JavaSerialError);
  });
  it("decodes Java's modified UTF-8 (NUL as C0 80, astral characters as surrogate pairs)", () => {
    expect(decodeModifiedUtf8(new Uint8Array([0x61, 0xc0, 0x80, 0xc3, 0xa9, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]))).toBe("a\u0000é😀");
  });
});
