// The import-format registry: --format picks by name; auto takes the first codec whose sniff
// accepts the bytes, reads other text as a URI list (which reports bad lines by number), and
// refuses binary that no codec claims.
import { describe, expect, it } from "vitest";
import { CODECS, pickCodec } from "../../../../src/core/codecs/index.js";
import { InputError } from "../../../../src/core/errors.js";

const src = (text: string | Uint8Array) => ({ name: "f", bytes: typeof text === "string" ? new TextEncoder().encode(text) : text });
const helpers = { password: async () => { throw new Error("no password here"); } };

describe("pickCodec", () => {
  it("names are unique and every codec has a title", () => {
    expect(new Set(CODECS.map((c) => c.name)).size).toBe(CODECS.length);
    for (const c of CODECS) expect(c.title.length).toBeGreaterThan(3);
  });

  it("auto: a URI list, also after a BOM, comments and blank lines", () => {
    expect(pickCodec(src("\uFEFF# mine\n\notpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n"), "auto").name).toBe("uri");
  });

  it("auto: other text is read as a URI list, so each bad line is reported", async () => {
    const c = pickCodec(src("hello\nworld\n"), "auto");
    expect(c.name).toBe("uri");
    const d = await c.decode(src("hello\nworld\n"), helpers);
    expect(d.entries).toEqual([]);
    expect(d.problems.map((p) => p.where)).toEqual(["line 1", "line 2"]);
  });

  it("auto: binary that no codec claims is refused; an unknown --format too", () => {
    expect(() => pickCodec(src(new Uint8Array([0, 1, 2, 255, 254])), "auto")).toThrow(InputError);
    expect(() => pickCodec(src("x"), "nope")).toThrow(/unknown import format/);
  });
});
