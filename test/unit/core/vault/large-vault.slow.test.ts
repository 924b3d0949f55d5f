// A 10,000-entry vault in format minor 3 opens, merges and backs up exactly as before: every
// operation gives what the same operation gives on the content in memory (which is what a
// minor-2 vault gave: merge and backup work on the content, the format only carries it), and
// the content survives each file round trip byte for byte. Made in-process through core, not by
// 10,000 CLI adds. Sync is mergeCopies + sealAndVerify (tested here) + git, which moves the file
// as bytes whatever its format.
import { beforeAll, describe, expect, it } from "vitest";
import { parseEnvelope, parseHeaderOnly, serializeEnvelope } from "../../../../src/core/vault/format.js";
import { mergeCopies, mergeData } from "../../../../src/core/vault/merge.js";
import { addEntries, emptyData, removeEntry, serializeData, updateEntry, type VaultData } from "../../../../src/core/vault/model.js";
import { backupWithPassword, backupWithVaultKeys, openBackup, readBackup } from "../../../../src/core/vault/backup.js";
import { createVault, newId, openData, openDataIndex, sealAndVerify, sealData } from "../../../../src/core/vault/vault.js";
import { matchIndices } from "../../../../src/core/match.js";
import type { JsonObject } from "../../../../src/core/vault/format.js";
import { CHEAP_KDF, NOW_ISO, totpDraft } from "./helpers.js";

const N = 10_000;
const LATER = "2026-02-01T00:00:00.000Z";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** i in base32 digits, 8 of them: a distinct seed suffix per entry (an import skips duplicates). */
const b32 = (i: number) => Array.from({ length: 8 }, (_, k) => B32[Math.floor(i / 32 ** (7 - k)) % 32]).join("");

let data: VaultData;
let masterKey: Uint8Array;
let bytes: Uint8Array;

beforeAll(async () => {
  const drafts = Array.from({ length: N }, (_, i) =>
    totpDraft(`Issuer${i}`, `JBSWY3DPEHPK3PXP${b32(i)}`, { issuer: `Issuer${i}`, account: `user${i}@example.com` }),
  );
  data = addEntries(emptyData(NOW_ISO), drafts, newId, NOW_ISO).data;
  const v = await createVault("test", data, CHEAP_KDF);
  masterKey = v.masterKey;
  bytes = v.bytes;
}, 60_000);

describe("a 10,000-entry vault (minor 3)", () => {
  it("opens whole to the content it was made from, and through its index entry by entry", () => {
    const { envelope } = parseEnvelope(bytes);
    expect(envelope.minor).toBe(3);
    expect(serializeData(openData(envelope, masterKey))).toBe(serializeData(data));
    const head = parseHeaderOnly(bytes);
    const index = openDataIndex(head.envelope, masterKey, head.data);
    expect(index.entries).toHaveLength(N);
    expect(index.entries.map((e) => e.name)).toEqual(data.entries.map((e) => e.name));
    for (const at of [0, 1, 63, 64, 5_000, N - 1]) expect(index.entry(at)).toEqual(data.entries[at]);
  });

  it("merges two changed copies as the content merges in memory", () => {
    const { envelope } = parseEnvelope(bytes);
    const ours = removeEntry(updateEntry(data, data.entries[5]!.id, { name: "renamed here" }, LATER), data.entries[7]!.id, LATER);
    const theirs = addEntries(
      updateEntry(data, data.entries[9_000]!.id, { notes: "there" }, LATER),
      [totpDraft("new there", "GEZDGNBVGY3TQOJQ")],
      newId,
      LATER,
    ).data;
    const open = (d: VaultData) => {
      const env = parseEnvelope(serializeEnvelope(sealData(envelope, masterKey, d))).envelope;
      return { envelope: env, key: masterKey, data: openData(env, masterKey) };
    };
    const merged = mergeCopies(envelope, open(ours), open(theirs));
    const expected = mergeData(ours, theirs);
    expect(serializeData(merged.data)).toBe(serializeData(expected));
    expect(merged.data.entries).toHaveLength(N); // one removed, one added
    const written = sealAndVerify(merged.envelope, merged.key, merged.data);
    expect(serializeData(openData(parseEnvelope(written).envelope, masterKey))).toBe(serializeData(expected));
  });

  it("backs up with the vault's keys and with a password, and the backups open to the same content", async () => {
    const { envelope } = parseEnvelope(bytes);
    const same = await openBackup(readBackup(backupWithVaultKeys(envelope, masterKey, data)), { masterKeys: [masterKey] });
    expect(serializeData(same.data)).toBe(serializeData(data));
    const own = await backupWithPassword(envelope, data, "backup pw", CHEAP_KDF);
    const opened = await openBackup(readBackup(own.bytes), { passwords: ["backup pw"] });
    expect(opened.envelope.minor).toBe(3);
    expect(serializeData(opened.data)).toBe(serializeData(data));
  });
});

describe("a 10,000-entry vault read a range at a time (otp code with a session)", () => {
  /** The file as positioned reads see it, recording every range read. */
  const ranges = (file: Uint8Array) => {
    const reads: [number, number][] = [];
    return { reads, src: { size: file.length, read: (s: number, e: number) => (reads.push([s, e]), file.subarray(s, e)) } };
  };
  const total = (reads: [number, number][]) => reads.reduce((n, [s, e]) => n + (e - s), 0);

  it("reads the header, the index and one chunk, not the file", () => {
    const { reads, src } = ranges(bytes);
    const head = parseHeaderOnly(src);
    const index = openDataIndex(head.envelope, masterKey, head.data);
    const indexRead = total(reads);
    expect(index.entry(5_000)).toEqual(data.entries[5_000]);
    const chunkRead = total(reads) - indexRead;
    expect(indexRead).toBeLessThan(bytes.length / 3);
    expect(chunkRead).toBeGreaterThan(0);
    expect(chunkRead).toBeLessThan(24 * 1024); // one chunk: at most 64 entries or ~16 KiB, in base64
    expect(index.row(5_000)).toEqual(index.entries[5_000]);
  });

  it("marks an ASCII index as such, and an index with other characters not, and matches both", async () => {
    const head = parseHeaderOnly(ranges(bytes).src);
    expect(openDataIndex(head.envelope, masterKey, head.data).columns.ascii).toBe(true);
    const other = addEntries(
      emptyData(NOW_ISO),
      [totpDraft("Ünïcødé", "GEZDGNBVGY3TQOJQ"), totpDraft("plain", "JBSWY3DPEHPK3PXP")],
      newId,
      NOW_ISO,
    ).data;
    const v = await createVault("test", other, CHEAP_KDF);
    const h2 = parseHeaderOnly(ranges(v.bytes).src);
    const ix = openDataIndex(h2.envelope, v.masterKey, h2.data);
    expect(ix.columns.ascii).toBe(false);
    expect(matchIndices(ix.columns, "ünïcødé")).toEqual([0]);
    expect(matchIndices(ix.columns, "PLAIN")).toEqual([1]);
  });

  it("reads the same header and entries from ranges as from the whole file", () => {
    const whole = parseHeaderOnly(bytes);
    const ranged = parseHeaderOnly(ranges(bytes).src);
    expect(ranged.envelope).toEqual(whole.envelope);
    expect(ranged.data.length).toBe(whole.data.length);
    expect(ranged.data.read(1000, 2000)).toEqual(whole.data.read(1000, 2000));
  });
});

describe("finding `data` a range at a time when `ext` holds members named data", () => {
  const ranges = (file: Uint8Array) => ({ size: file.length, read: (s: number, e: number) => file.subarray(s, e) });
  const withExt = async (ext: JsonObject) => {
    const v = await createVault("test", addEntries(emptyData(NOW_ISO), [totpDraft("GitHub")], newId, NOW_ISO).data, CHEAP_KDF);
    const env = sealData({ ...v.envelope, ext: { ...v.envelope.ext, ...ext } }, v.masterKey, openData(v.envelope, v.masterKey));
    return { bytes: serializeEnvelope(env), masterKey: v.masterKey };
  };

  it("reads the same header as the whole file does, with a nested data member in ext", async () => {
    const { bytes: file, masterKey: key } = await withExt({ x: { data: "QUJD", more: [{ data: "" }] } });
    const ranged = parseHeaderOnly(ranges(file));
    expect(ranged.envelope).toEqual({ ...parseEnvelope(file).envelope, data: ranged.envelope.data });
    expect(openDataIndex(ranged.envelope, key, ranged.data).entries.map((e) => e.name)).toEqual(["GitHub"]);
  });

  it("past the first read: an ext of 100,000 data members (300 KiB) is found in time linear in its size", async () => {
    const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, { data: "" }]));
    const { bytes: file } = await withExt({ many });
    const ranged = parseHeaderOnly(ranges(file));
    expect(Object.keys((ranged.envelope.ext.many as object) ?? {})).toHaveLength(100_000);
    expect(ranged.envelope).toEqual({ ...parseEnvelope(file).envelope, data: ranged.envelope.data });
  });
});
