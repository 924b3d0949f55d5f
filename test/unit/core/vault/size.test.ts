// core/vault/size: the vault file's size computed without sealing is exactly the size sealing
// gives (empty, small, non-ASCII, around a KiB boundary). Near and past 16 MiB, and the
// numbering of 60,000 alike names: size-limits.slow.test.ts (the full suite, not the quick loop).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addEntries, emptyData, type VaultData } from "../../../../src/core/vault/model.js";
import { rememberedEntryJson } from "../../../../src/core/vault/payload.js";
import { sealedSize, vaultFileSize } from "../../../../src/core/vault/size.js";
import { NOW_ISO, randomSecret, sealedLength, smallVault, totpDraft } from "./helpers.js";

describe("vaultFileSize", () => {
  it("is the sealed file's length, byte for byte", async () => {
    const v = await smallVault();
    expect(vaultFileSize(v.envelope, v.data)).toBe(v.bytes.length);
    const cases: VaultData[] = [emptyData(NOW_ISO), v.data];
    let d = v.data;
    for (const name of ["Ünïcödé 🔐", "a".repeat(200), "b"]) {
      d = addEntries(d, [totpDraft(name, randomSecret(), { notes: "ñ".repeat(700) })], () => `id-${name.length}`, NOW_ISO).data;
      cases.push(d);
    }
    for (const data of cases) expect(vaultFileSize(v.envelope, data)).toBe(sealedLength(v, data));
  });

  it("is the sealed length for any entries: chunk boundaries, non-ASCII text, remembered JSON (fast-check)", async () => {
    const v = await smallVault();
    const text = fc.string({ unit: fc.constantFrom("a", "Z", "é", "€", "🔐", '"', "\\", "\n"), maxLength: 400 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ name: text, notes: text }), { maxLength: 150 }), async (drafts) => {
        const data = addEntries(
          emptyData(NOW_ISO),
          drafts.map((d, i) => totpDraft(`${i}${d.name}`, randomSecret(), { notes: d.notes })),
          () => randomSecret(),
          NOW_ISO,
        ).data;
        const json = rememberedEntryJson();
        expect(vaultFileSize(v.envelope, data, json)).toBe(sealedLength(v, data));
        expect(vaultFileSize(v.envelope, data, json), "remembered JSON, second time").toBe(sealedLength(v, data));
      }),
      { numRuns: 25 },
    );
  });

  it("pads to whole KiB: one byte more JSON past a boundary costs a block", () => {
    expect(sealedSize(1023, 500)).toBe(sealedSize(0, 500));
    expect(sealedSize(1024, 500) - sealedSize(1023, 500)).toBe(4 * Math.ceil((2048 + 16) / 3) - 4 * Math.ceil((1024 + 16) / 3));
  });
});
