// The import-format registry: --format picks by name; auto takes the first codec whose sniff
// accepts the bytes, reads other text as a URI list (which reports bad lines by number), and
// refuses binary that no codec claims.
import { describe, expect, it } from "vitest";
import { loadCodecs, pickCodec } from "../../../../src/core/codecs/index.js";
import { IMPORT_FORMATS } from "../../../../src/core/codecs/formats.js";
import { InputError } from "../../../../src/core/errors.js";

const src = (text: string | Uint8Array) => ({ name: "f", bytes: typeof text === "string" ? new TextEncoder().encode(text) : text });
const helpers = {
  password: async () => {
    throw new Error("no password here");
  },
};

describe("pickCodec", () => {
  it("names are unique, every format has a title, and each loads the codec of its name", async () => {
    expect(new Set(IMPORT_FORMATS.map((f) => f.name)).size).toBe(IMPORT_FORMATS.length);
    for (const f of IMPORT_FORMATS) expect(f.title.length).toBeGreaterThan(3);
    expect((await loadCodecs()).map((c) => c.name)).toEqual(IMPORT_FORMATS.map((f) => f.name));
  });

  it("auto: a URI list, also after a BOM, comments and blank lines", async () => {
    expect((await pickCodec(src("\uFEFF# mine\n\notpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n"), "auto")).name).toBe("uri");
  });

  it("auto: other text is read as a URI list, so each bad line is reported", async () => {
    const c = await pickCodec(src("hello\nworld\n"), "auto");
    expect(c.name).toBe("uri");
    const d = await c.decode(src("hello\nworld\n"), helpers);
    expect(d.entries).toEqual([]);
    expect(d.problems.map((p) => p.where)).toEqual(["line 1", "line 2"]);
  });

  it("auto: binary that no codec claims is refused; an unknown --format too", async () => {
    await expect(pickCodec(src(new Uint8Array([0, 1, 2, 255, 254])), "auto")).rejects.toThrow(InputError);
    await expect(pickCodec(src("x"), "nope")).rejects.toThrow(/unknown import format/);
  });
});
