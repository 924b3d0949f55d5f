// Format minor 3 (format.ts, payload.ts): the payload in sealed segments. Round trips of any
// content, the index read without the rest, and an attacker's edits: any change of the file, a
// segment from an older copy, a dropped or moved chunk is damage or refused, never a wrong entry.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Entry } from "../../../../src/core/entry.js";
import { AuthError, VaultDamagedError } from "../../../../src/core/errors.js";
import { deriveSubkey, open } from "../../../../src/core/vault/crypto.js";
import { headerAD, parseEnvelope, parseHeaderOnly, serializeEnvelope, type Envelope } from "../../../../src/core/vault/format.js";
import { addEntries, emptyData, serializeData, type VaultData } from "../../../../src/core/vault/model.js";
import { createVault, newId, openData, openDataIndex, sealData, unlockWithPassword } from "../../../../src/core/vault/vault.js";
import { CHEAP_KDF, NOW_ISO, resign, totpDraft } from "./helpers.js";

function vaultData(names: { name: string; issuer: string; account: string }[], notes = ""): VaultData {
  const drafts = names.map((n, i) => totpDraft(n.name, secretFor(i), { issuer: n.issuer, account: n.account, notes }));
  return addEntries(emptyData(NOW_ISO), drafts, newId, NOW_ISO, { freeTakenNames: true }).data;
}
/** A distinct base32 seed per entry (an import skips duplicates). */
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const secretFor = (i: number) => `JBSWY3DPEHPK3PXP${Array.from({ length: 8 }, (_, k) => B32[Math.floor(i / 32 ** (7 - k)) % 32]).join("")}`;

/** The index as a reader of the file alone sees it (no checksum, `data` decoded range by range). */
function lazyIndex(bytes: Uint8Array, key: Uint8Array) {
  const head = parseHeaderOnly(bytes);
  return openDataIndex(head.envelope, key, head.data);
}

const view = (e: Entry) => ({ name: e.name, issuer: e.issuer, account: e.account, type: e.type });

describe("round trips", () => {
  it("any content seals and opens to itself, whole and through the index (property)", async () => {
    const { masterKey, envelope } = await createVault("x", emptyData(NOW_ISO), CHEAP_KDF);
    const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: text, issuer: fc.string({ maxLength: 10 }), account: fc.string({ maxLength: 10 }) }), {
          maxLength: 150,
        }),
        fc.string({ maxLength: 400 }),
        async (names, notes) => {
          const data = vaultData(names, notes);
          const bytes = serializeEnvelope(sealData(envelope, masterKey, data));
          const env = parseEnvelope(bytes).envelope;
          expect(env.minor).toBe(3);
          expect(serializeData(openData(env, masterKey))).toBe(serializeData(data));
          const index = lazyIndex(bytes, masterKey);
          expect(index.entries.map(({ at, ...rest }) => ({ ...rest, at }))).toEqual(data.entries.map((e, at) => ({ ...view(e), at })));
          for (const at of [0, Math.floor(data.entries.length / 2), data.entries.length - 1].filter(
            (i) => i >= 0 && i < data.entries.length,
          ))
            expect(index.entry(at)).toEqual(data.entries[at]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a minor-2 file becomes minor 3 at its next write, with the same content; a minor-0 one keeps its single payload", async () => {
    const data = vaultData([{ name: "a", issuer: "A", account: "x" }]);
    const { masterKey, envelope } = await createVault("x", data, CHEAP_KDF);
    const minor2 = { ...envelope, minor: 2 };
    expect(sealData(minor2, masterKey, data).minor).toBe(3);
    const minor0 = { ...envelope, minor: 0, ext: {} };
    const sealed0 = sealData(minor0, masterKey, data);
    expect(sealed0.minor).toBe(0);
    // one sealed payload: it opens as minor 2's did
    expect(open(deriveSubkey(masterKey, "payload"), sealed0.nonce, sealed0.data, headerAD(sealed0))).not.toBeNull();
    expect(serializeData(openData(parseEnvelope(serializeEnvelope(sealed0)).envelope, masterKey))).toBe(serializeData(data));
  });

  it("an otp that reads minor 2 cannot open the segmented payload as one (so it says damaged and writes nothing)", async () => {
    const { masterKey, envelope } = await createVault("x", vaultData([{ name: "a", issuer: "A", account: "x" }]), CHEAP_KDF);
    expect(open(deriveSubkey(masterKey, "payload"), envelope.nonce, envelope.data, headerAD(envelope))).toBeNull();
  });
});

describe("an attacker's edits", () => {
  let data: VaultData;
  let masterKey: Uint8Array;
  let bytes: Uint8Array;
  let env: Envelope;
  beforeAll(async () => {
    // 200 entries: four chunks of at most 64
    data = vaultData(Array.from({ length: 200 }, (_, i) => ({ name: `e${i}`, issuer: `I${i}`, account: `a${i}` })));
    const v = await createVault("test", data, CHEAP_KDF);
    masterKey = v.masterKey;
    bytes = v.bytes;
    env = v.envelope;
  });

  /** What a reader gets from edited bytes: every entry through the index, and the whole. */
  function outcome(edited: Uint8Array): { whole: string; lazy: string } {
    const run = (fn: () => unknown): string => {
      try {
        fn();
        return "opened";
      } catch (err) {
        if (err instanceof VaultDamagedError) return `damaged ${err.kind}`;
        throw err;
      }
    };
    return {
      whole: run(() => {
        const d = openData(parseEnvelope(edited).envelope, masterKey);
        if (serializeData(d) !== serializeData(data)) throw new Error("opened changed data");
      }),
      lazy: run(() => {
        const index = lazyIndex(edited, masterKey);
        index.entries.forEach((e, at) => {
          const got = index.entry(at);
          if (JSON.stringify(got) !== JSON.stringify(data.entries[at]) || e.name !== data.entries[at]!.name)
            throw new Error(`wrong entry at ${at}`);
        });
      }),
    };
  }

  /** The data member of a file as bytes, changed by fn, written back with a fresh checksum. */
  function withData(fn: (d: Uint8Array) => Uint8Array): Uint8Array {
    return serializeEnvelope({ ...env, data: fn(new Uint8Array(env.data)) });
  }

  it("any changed byte of `data` (checksum recomputed) is damage whole; through the index, damage or the right entries (property)", () => {
    const lazy = new Set<string>();
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const edited = withData((d) => ((d[at % d.length]! ^= x), d));
        const o = outcome(edited);
        expect(o.whole).toMatch(/^damaged /);
        // "opened" through the index: the edit was in a segment it does not open (the rest)
        lazy.add(o.lazy === "opened" ? "opened" : "damaged");
      }),
      { numRuns: 300 },
    );
    expect(lazy.has("damaged")).toBe(true);
  });

  it("any flipped bit of the file, checksum recomputed or not, never opens as other entries (property)", async () => {
    const key = await unlockWithPassword(parseEnvelope(bytes).envelope, "test");
    expect(Buffer.from(key).equals(Buffer.from(masterKey))).toBe(true);
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), fc.boolean(), (bit, sign) => {
        const flipped = new Uint8Array(bytes);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const edited = sign ? resign(flipped) : flipped;
        let o: { whole: string; lazy: string };
        try {
          o = outcome(edited);
        } catch (err) {
          if (err instanceof AuthError) return;
          throw err;
        }
        // whole: opened only when resign() undid the edit (in the checksum itself); through the
        // index, "opened" means every entry came back right (outcome() throws otherwise)
        if (o.whole === "opened") expect(Buffer.from(edited).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("a segment from an older copy of the same vault, in its place, is damage (replay)", () => {
    const older = sealData(env, masterKey, data); // same key, same content, another write
    const newer = sealData(env, masterKey, data);
    expect(older.data.length).toBe(newer.data.length);
    // splice the older copy's bytes over each region of the newer one in turn
    const cuts = [0, 4, 64, Math.floor(newer.data.length / 2), newer.data.length - 300];
    for (const from of cuts) {
      const d = new Uint8Array(newer.data);
      d.set(older.data.subarray(from, from + 200), from);
      const o = outcome(serializeEnvelope({ ...newer, data: d }));
      expect([o.whole, o.lazy]).toEqual([expect.stringMatching(/^damaged /), expect.stringMatching(/^damaged /)]);
    }
  });

  it("a dropped, added or moved chunk is damage", () => {
    const d = env.data;
    const indexLen = new DataView(d.buffer, d.byteOffset, 4).getUint32(0, true);
    const tail = d.subarray(4 + indexLen);
    // chunks are sealed with 64 entries each (the last fewer); moving bytes between positions:
    const swapped = new Uint8Array(d);
    const half = Math.floor(tail.length / 2);
    swapped.set(tail.subarray(half), 4 + indexLen);
    swapped.set(tail.subarray(0, half), 4 + indexLen + tail.length - half);
    for (const edited of [
      withData(() => d.subarray(0, d.length - 100)), // the last chunk cut short
      withData(() => new Uint8Array([...d, ...d.subarray(d.length - 300)])), // bytes added
      withData(() => swapped), // segments moved
      withData(() => new Uint8Array([...d.subarray(0, 4 + indexLen), ...tail.subarray(300)])), // the rest dropped
    ]) {
      const o = outcome(edited);
      expect(o.whole).toMatch(/^damaged /);
      expect(o.lazy).toMatch(/^damaged /);
    }
  });

  it("the index opens without decoding `data` whole: a reader asks only for the ranges it needs", () => {
    const head = parseHeaderOnly(bytes);
    const asked: [number, number][] = [];
    const index = openDataIndex(head.envelope, masterKey, {
      length: head.data.length,
      read: (s, e) => (asked.push([s, e]), head.data.read(s, e)),
    });
    expect(index.entry(150)).toEqual(data.entries[150]);
    const read = asked.reduce((n, [s, e]) => n + e - s, 0);
    expect(read).toBeLessThan(head.data.length / 2);
  });
});
