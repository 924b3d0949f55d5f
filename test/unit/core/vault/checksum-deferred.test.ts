// A session's open skips the checksum (format.ts): parseEnvelope(…, { checksum: "deferred" })
// checks everything else, checkEnvelopeChecksum is the check it left, and the cheaper canonical
// check of `data` still refuses every other base64 spelling.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VaultDamagedError } from "../../../../src/core/errors.js";
import { checkEnvelopeChecksum, parseEnvelope, serializeEnvelope } from "../../../../src/core/vault/format.js";
import { openData } from "../../../../src/core/vault/vault.js";
import { dec, enc, smallVault, thrown } from "./helpers.js";

/** The file with one byte of `data` changed at `at` (0 ≤ at < 1) of its length. */
function withDataByte(bytes: Uint8Array, at: number, to: string): Uint8Array {
  const text = dec(bytes);
  const start = text.indexOf(',"data":"') + 9;
  const end = text.indexOf('","checksum"');
  const i = start + Math.floor(at * (end - start));
  return enc(text.slice(0, i) + to + text.slice(i + 1));
}

const kindOf = async (fn: () => unknown) => {
  const err = await thrown(fn);
  expect(err).toBeInstanceOf(VaultDamagedError);
  return (err as VaultDamagedError).kind;
};

describe("the deferred checksum", () => {
  it("a whole file parses the same either way, and its checksum checks", async () => {
    const v = await smallVault();
    expect(parseEnvelope(v.bytes, { checksum: "deferred" })).toEqual(parseEnvelope(v.bytes));
    expect(() => checkEnvelopeChecksum(v.bytes)).not.toThrow();
  });

  it("a wrong checksum: deferred, the file parses; the check left is what says `corrupted`", async () => {
    const v = await smallVault();
    const text = dec(v.bytes);
    const i = text.indexOf('"checksum":"') + 12;
    const bad = enc(text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1));
    expect(await kindOf(() => parseEnvelope(bad))).toBe("corrupted");
    const { envelope } = parseEnvelope(bad, { checksum: "deferred" });
    expect(await kindOf(() => checkEnvelopeChecksum(bad))).toBe("corrupted");
    // Everything but the checksum is authenticated: the data still opens with the key.
    expect(openData(envelope, v.masterKey)).toEqual(v.data);
  });

  it("damaged data under a right checksum form: the data does not open, and the checksum names the damage", async () => {
    const v = await smallVault();
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 0.999, noNaN: true }), async (at) => {
        const text = dec(v.bytes);
        const start = text.indexOf(',"data":"') + 9;
        const ch = text[start + Math.floor(at * (text.indexOf('","checksum"') - start))]!;
        const bad = withDataByte(v.bytes, at, ch === "A" ? "B" : "A");
        let parsed;
        try {
          parsed = parseEnvelope(bad, { checksum: "deferred" });
        } catch (err) {
          expect((err as VaultDamagedError).kind).toBe("corrupted"); // a set padding bit: not canonical
          return;
        }
        expect(() => openData(parsed.envelope, v.masterKey)).toThrow(VaultDamagedError);
        expect(await kindOf(() => checkEnvelopeChecksum(bad))).toBe("corrupted");
      }),
      { numRuns: 30 },
    );
  });

  it("`data` in another base64 spelling is not canonical, checked or deferred", async () => {
    const v = await smallVault();
    const text = dec(v.bytes);
    const start = text.indexOf(',"data":"') + 9;
    const data = text.slice(start, text.indexOf('","checksum"'));
    const respelled = (d: string) => {
      const env = parseEnvelope(v.bytes).envelope;
      // Re-serialize so the checksum is right for the new spelling: only the canonical check can refuse it.
      const good = dec(serializeEnvelope(env));
      return enc(good.replace(data, d).replace(/"checksum":"[^"]*"/, '"checksum":"' + "A".repeat(86) + '=="'));
    };
    const plus = data.indexOf("+") >= 0 ? data.replace("+", "-") : data.indexOf("/") >= 0 ? data.replace("/", "_") : null;
    const variants = [data + "====", data.slice(0, -4) + " " + data.slice(-3), ...(plus ? [plus] : [])];
    for (const d of variants)
      expect(await kindOf(() => parseEnvelope(respelled(d), { checksum: "deferred" })), JSON.stringify(d.slice(-8))).toBe("corrupted");
  });
});
