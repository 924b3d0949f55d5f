// pass-otp's URI lists: pass-otp stores the counter of the HOTP code it last
// showed, so `--format pass-otp` imports each HOTP counter plus one; TOTP entries are as in any
// URI list; Latin-1 labels are read (src/core/uri.ts).
import { describe, expect, it } from "vitest";
import { codecByName, pickCodec } from "../../../../src/core/codecs/index.js";
import { MAX_COUNTER } from "../../../../src/core/entry.js";

const S = "JBSWY3DPEHPK3PXP";
const src = (text: string) => ({ name: "pass-otp.txt", bytes: new TextEncoder().encode(text) });
const helpers = {
  password: async () => {
    throw new Error("no password here");
  },
};

describe("--format pass-otp", () => {
  it("imports each HOTP counter plus one, says so once, and leaves TOTP entries alone", async () => {
    const d = await (await codecByName("pass-otp"))!.decode(
      src(
        [
          `otpauth://hotp/bank:j%F6rg?secret=${S}&digits=6&counter=5`,
          `otpauth://totp/Z%FCrich:j%F6rg+m%FCller?secret=${S}&issuer=Z%FCrich`,
          `otpauth://hotp/shop?secret=${S}&counter=${MAX_COUNTER}`,
          `otpauth://hotp/zero?secret=${S}&counter=0`,
        ].join("\n"),
      ),
      helpers,
    );
    expect(d.entries.map((e) => [e.draft.issuer, e.draft.account, e.draft.type, e.draft.counter])).toEqual([
      ["bank", "jörg", "hotp", 6],
      ["Zürich", "jörg+müller", "totp", undefined],
      ["", "zero", "hotp", 1],
    ]);
    expect(d.problems).toEqual([{ where: "line 3", reason: expect.stringMatching(/no code is left/) }]);
    expect(d.notes).toEqual([
      expect.stringMatching(/pass-otp stores the counter of the HOTP code it last showed: each of 2 counters is imported plus one/),
    ]);
    expect(d.entries[0]!.warnings.join()).toMatch(/Latin-1/);
  });

  it("is never picked by auto: a plain URI list keeps its counters", async () => {
    const text = `otpauth://hotp/bank?secret=${S}&counter=5\n`;
    const c = await pickCodec(src(text), "auto");
    expect(c.name).toBe("uri");
    expect((await c.decode(src(text), helpers)).entries[0]!.draft.counter).toBe(5);
  });
});
