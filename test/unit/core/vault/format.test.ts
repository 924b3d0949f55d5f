// The vault file format (format.ts's top comment is the spec; docs/testplan.md A, C):
// canonical round trips, what parseEnvelope refuses and with which kind, slots and KDF caps
// checked before any KDF, unknown slots and `ext` kept verbatim, newer versions and minors.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { AuthError, VaultDamagedError } from "../../../../src/core/errors.js";
import { kdfCount } from "../../../../src/core/vault/kdf.js";
import {
  FORMAT_MINOR,
  MAX_FILE_BYTES,
  MAX_KDF_WORK,
  headerAD,
  parseEnvelope,
  serializeEnvelope,
  slotAD,
  type Envelope,
  type Json,
  type JsonObject,
  type Slot,
} from "../../../../src/core/vault/format.js";
import { addEntry } from "../../../../src/core/vault/model.js";
import { newId, openData, sealData, unlockWithPassword } from "../../../../src/core/vault/vault.js";
import {
  NOW_ISO,
  dec,
  editJson,
  editText,
  enc,
  hex,
  kdfRunsDuring,
  openWithPassword,
  resign,
  smallVault,
  thrown,
  thrownSync,
  totpDraft,
  type SmallVault,
} from "./helpers.js";

const SEED = 20_260_702;

let v: SmallVault;
let text: string;
beforeAll(async () => {
  v = await smallVault();
  text = dec(v.bytes);
});

/** parseEnvelope must throw VaultDamagedError of this kind; returns it. */
function damagedKind(bytes: Uint8Array): string {
  const err = thrownSync(() => parseEnvelope(bytes));
  expect(err).toBeInstanceOf(VaultDamagedError);
  return (err as VaultDamagedError).kind;
}

/** The whole open path with the right password fails as damage, and no KDF ran. */
async function refusedBeforeKdf(bytes: Uint8Array, kind: string): Promise<void> {
  const before = kdfCount();
  const err = await thrown(() => openWithPassword(bytes, "test"));
  expect(err).toBeInstanceOf(VaultDamagedError);
  expect(err).not.toBeInstanceOf(AuthError);
  expect((err as VaultDamagedError).kind).toBe(kind);
  expect(kdfCount() - before).toBe(0);
}

// ---------------------------------------------------------------- random envelopes

const hexId = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(hex);
const bytesN = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const jsonKey = fc.string({ maxLength: 8, unit: "binary" }).filter((k) => k !== "__proto__");
const { value: jsonValue } = fc.letrec<{ value: Json; object: JsonObject }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ maxLength: 12, unit: "binary" }),
    fc.array(tie("value"), { maxLength: 4 }),
    tie("object"),
  ),
  object: fc.dictionary(jsonKey, tie("value"), { maxKeys: 4, noNullPrototype: true }),
}));
const jsonObject = fc.dictionary(jsonKey, jsonValue, { maxKeys: 5, noNullPrototype: true });

const passwordSlot: fc.Arbitrary<Slot> = fc
  .record({
    id: hexId,
    ops: fc.integer({ min: 1, max: 10 }),
    kib: fc.integer({ min: 8, max: 1024 * 1024 }),
    salt: bytesN(16),
    nonce: bytesN(24),
    wrapped: bytesN(48),
  })
  .map(({ id, ops, kib, salt, nonce, wrapped }) => ({
    kind: "password",
    id,
    kdf: { name: "argon2id13", ops, mem: kib * 1024, salt },
    nonce,
    wrapped,
  }));
const recoverySlot: fc.Arbitrary<Slot> = fc
  .record({ id: hexId, salt: bytesN(16), nonce: bytesN(24), wrapped: bytesN(48) })
  .map((s) => ({ kind: "recovery", ...s }));
const unknownSlot: fc.Arbitrary<Slot> = fc
  .record({
    id: hexId,
    kind: fc.string({ maxLength: 10 }).filter((k) => !["password", "recovery", "recovery-box"].includes(k)),
    rest: jsonObject,
  })
  .map(({ id, kind, rest }) => {
    const raw: JsonObject = { ...rest, id, kind };
    return { kind: "unknown", id, raw };
  });
const boxSlot: fc.Arbitrary<Slot> = fc
  .record({ id: hexId, salt: bytesN(16), pk: bytesN(32), nonce: bytesN(24), macKey: bytesN(48), sealed: bytesN(80), mac: bytesN(32) })
  .map((s) => ({ kind: "recovery-box", ...s }));
const kdfWork = (slots: Slot[]) => slots.reduce((n, s) => n + (s.kind === "password" ? s.kdf.ops * s.kdf.mem : 0), 0);
const envelopeArb: fc.Arbitrary<Envelope> = fc
  .record({
    version: fc.constant(1),
    minor: fc.integer({ min: 0, max: 3 }),
    vaultId: hexId,
    slots: fc
      .uniqueArray(fc.oneof(passwordSlot, recoverySlot, boxSlot, unknownSlot), { minLength: 1, maxLength: 8, selector: (s) => s.id })
      .filter((slots) => slots.some((s) => s.kind !== "unknown") && kdfWork(slots) <= MAX_KDF_WORK),
    nonce: bytesN(24),
    ext: jsonObject.filter((e) => !("generation" in e)),
    generation: fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: undefined }),
    data: fc.uint8Array({ minLength: 16, maxLength: 3000 }),
  })
  .map(({ generation, ext, ...e }) => {
    const g = e.minor >= 2 ? (generation ?? 1) : generation;
    return { ...e, ext: g === undefined ? ext : { ...ext, generation: g } };
  });

describe("canonical form", () => {
  it("a real vault re-serializes to its own bytes", () => {
    const { envelope, readOnly } = parseEnvelope(v.bytes);
    expect(readOnly).toBe(false);
    expect(serializeEnvelope(envelope)).toEqual(v.bytes);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf("\n")).toBe(text.length - 1);
    expect(Object.keys(JSON.parse(text))).toEqual([
      "format",
      "version",
      "minor",
      "vaultId",
      "slots",
      "cipher",
      "nonce",
      "ext",
      "data",
      "checksum",
    ]);
  });

  it("random envelopes: parse(serialize(e)) gives e back and re-serializes to the same bytes", () => {
    fc.assert(
      fc.property(envelopeArb, (e) => {
        const bytes = serializeEnvelope(e);
        const { envelope, readOnly } = parseEnvelope(bytes);
        expect(readOnly).toBe(e.minor > FORMAT_MINOR);
        expect(hex(serializeEnvelope(envelope))).toBe(hex(bytes));
        expect(envelope.vaultId).toBe(e.vaultId);
        expect(envelope.minor).toBe(e.minor);
        expect(hex(envelope.nonce)).toBe(hex(e.nonce));
        expect(hex(envelope.data)).toBe(hex(e.data));
        expect(envelope.ext).toEqual(e.ext);
        expect(envelope.slots).toEqual(e.slots);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("any file that parses re-serializes to itself (random edits of random envelopes, checksum recomputed)", () => {
    const edit = fc.record({
      at: fc.nat(),
      op: fc.constantFrom("flip", "insert", "delete", "dup"),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    let parsed = 0;
    fc.assert(
      fc.property(envelopeArb, fc.array(edit, { minLength: 1, maxLength: 3 }), (e, edits) => {
        let b = Array.from(serializeEnvelope(e));
        for (const { at, op, byte } of edits) {
          const i = at % b.length;
          if (op === "flip") b[i] = b[i]! ^ (1 << (byte & 7));
          else if (op === "insert") b.splice(i, 0, byte);
          else if (op === "delete") b.splice(i, 1);
          else b.splice(i, 0, ...b.slice(i, i + 1 + (byte % 16)));
        }
        const bytes = resign(new Uint8Array(b));
        let env: Envelope;
        try {
          env = parseEnvelope(bytes).envelope;
        } catch (err) {
          expect(err).toBeInstanceOf(VaultDamagedError);
          return;
        }
        parsed++;
        expect(hex(serializeEnvelope(env))).toBe(hex(bytes));
      }),
      { seed: SEED + 1, numRuns: 600 },
    );
    expect(parsed).toBeGreaterThan(0);
  });

  it("headerAD covers every member but data and checksum; slotAD covers the slot but its wrapped key", () => {
    const e = parseEnvelope(v.bytes).envelope;
    const ad = dec(headerAD(e));
    expect(ad).toBe(text.slice(0, text.indexOf(',"data":"')) + "}");
    expect(dec(headerAD({ ...e, data: new Uint8Array(16) }))).toBe(ad);
    for (const changed of [
      { ...e, minor: 1 },
      { ...e, ext: { a: 1 } },
      { ...e, nonce: new Uint8Array(24) },
      { ...e, vaultId: newId() },
      { ...e, slots: [...e.slots, ...e.slots] },
    ])
      expect(dec(headerAD(changed))).not.toBe(ad);
    const slot = e.slots[0]!;
    expect(slot.kind).toBe("password");
    const sad = dec(slotAD(e.vaultId, slot));
    expect(sad.startsWith(`otp-vault/v1/slot\0${e.vaultId}\0{"id":"${slot.id}","kind":"password","kdf":`)).toBe(true);
    expect(sad).not.toContain("wrapped");
  });
});

// ---------------------------------------------------------------- refusals

describe("sizes, trailing data and other files", () => {
  it("an empty file is corrupted and says so", async () => {
    const err = thrownSync(() => parseEnvelope(new Uint8Array(0))) as VaultDamagedError;
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("corrupted");
    expect(err.message).toMatch(/empty/);
    await refusedBeforeKdf(new Uint8Array(0), "corrupted");
  });

  it.each([
    ["1 byte x", () => enc("x")],
    ["1 newline", () => enc("\n")],
    ["1 space", () => enc(" ")],
    ["1 NUL", () => new Uint8Array(1)],
    ["1 KiB of spaces", () => enc(" ".repeat(1024))],
    ["1 KiB of newlines", () => enc("\n".repeat(1024))],
    ["1 KiB of random bytes", () => new Uint8Array(1024).map((_, i) => (i * 131 + 7) & 0xff)],
    ["a second copy", () => v.bytes],
  ])("trailing data (%s) → corrupted, no KDF", async (_what, tail) => {
    const bytes = new Uint8Array([...v.bytes, ...tail()]);
    expect(damagedKind(bytes)).toBe("corrupted");
    await refusedBeforeKdf(bytes, "corrupted");
  });

  it("a 17 MiB input is refused as corrupted, quickly and unparsed", async () => {
    const big = new Uint8Array(17 * 1024 * 1024).fill(0x20);
    big.set(v.bytes);
    const t0 = performance.now();
    const err = thrownSync(() => parseEnvelope(big)) as VaultDamagedError;
    expect(performance.now() - t0).toBeLessThan(100);
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("corrupted");
    expect(err.message).toMatch(/16 MiB/);
    await refusedBeforeKdf(big, "corrupted");
    expect(damagedKind(new Uint8Array(MAX_FILE_BYTES + 1))).toBe("corrupted");
  });

  const aegis = JSON.stringify({ version: 1, header: { slots: null, params: null }, db: { version: 2, entries: [] } }, null, 4);
  it.each([
    ["KDBX magic", () => new Uint8Array([0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5, 0x00, 0x00, 0x04, 0x00, 1, 2, 3]), /KeePass/],
    ["age file", () => enc("age-encryption.org/v1\n-> scrypt c2FsdHNhbHRzYWx0c2FsdA 18\nAAAA\n--- abcd\n\x00\x01"), /age/],
    ["Aegis JSON", () => enc(aegis), /Aegis.*otp import/],
    ["otpauth URI list", () => enc("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n"), /otp import/],
    ["random bytes", () => new Uint8Array(300).map((_, i) => (i * 197 + 13) & 0xff), null],
    ["UTF-8 BOM + a real vault", () => new Uint8Array([0xef, 0xbb, 0xbf, ...v.bytes]), null],
    ["a JSON object with another format", () => enc('{"format":"otpvault2","version":1}\n'), null],
    ["a pretty-printed JSON array", () => enc("[1, 2, 3]\n"), null],
  ])("%s → not-a-vault, no KDF", async (_what, make, hint) => {
    const bytes = make();
    const err = thrownSync(() => parseEnvelope(bytes)) as VaultDamagedError;
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("not-a-vault");
    expect(err.message).toMatch(/not an otp vault/);
    if (hint) expect(err.hints.join("\n")).toMatch(hint);
    await refusedBeforeKdf(bytes, "not-a-vault");
  });

  it("random byte strings are never anything but not-a-vault or corrupted", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => new Uint8Array([...enc('{"format":"otpvault",'), ...b])),
        ),
        (b) => {
          expect(["not-a-vault", "corrupted"]).toContain(damagedKind(b));
        },
      ),
      { seed: SEED + 2, numRuns: 1000 },
    );
  });
});

describe("canonical violations are corrupted even with the checksum recomputed", () => {
  const saltOf = (t: string) => /"salt":"([^"]+)"/.exec(t)![1]!;
  const dataOf = (t: string) => /"data":"([^"]+)"/.exec(t)![1]!;
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const cases: [string, (t: string) => string][] = [
    ["a space after a colon", (t) => t.replace('"version":1,', '"version": 1,')],
    ["a tab between members", (t) => t.replace('"minor":3,', '"minor":3,\t')],
    ["a newline inside the object", (t) => t.replace('"cipher":', '\n"cipher":')],
    ["a space inside a slot", (t) => t.replace('"kind":"password"', '"kind": "password"')],
    [
      "two top-level members swapped",
      (t) => t.replace(/"cipher":"xchacha20poly1305-ietf","nonce":"([^"]+)"/, '"nonce":"$1","cipher":"xchacha20poly1305-ietf"'),
    ],
    ["two slot members swapped", (t) => t.replace(/"id":"([0-9a-f]{32})","kind":"password"/, '"kind":"password","id":"$1"')],
    ["two kdf members swapped", (t) => t.replace('"ops":1,"mem":8192', '"mem":8192,"ops":1')],
    ['"minor":3.0', (t) => t.replace('"minor":3,', '"minor":3.0,')],
    ['"version":1.0', (t) => t.replace('"version":1,', '"version":1.0,')],
    ['"version":1e0', (t) => t.replace('"version":1,', '"version":1e0,')],
    ['"ops":1.0', (t) => t.replace('"ops":1,', '"ops":1.0,')],
    ["a duplicate top-level key", (t) => t.replace('"minor":3,', '"minor":3,"minor":3,')],
    ["a duplicate key in a slot", (t) => t.replace('"kind":"password",', '"kind":"password","kind":"password",')],
    ["a duplicate key in ext", (t) => t.replace('"ext":{"generation":1}', '"ext":{"generation":1,"generation":1}')],
    ["base64 salt without padding", (t) => t.replace(saltOf(t), saltOf(t).replace(/=+$/, ""))],
    ["base64 data without padding", (t) => t.replace(dataOf(t), dataOf(t).replace(/=+$/, ""))],
    ["base64url data", (t) => t.replace(dataOf(t), dataOf(t).replace(/\+/g, "-").replace(/\//g, "_"))],
    [
      "base64 salt with non-zero unused bits",
      (t) => {
        const s = saltOf(t);
        const last = s.charAt(s.length - 3);
        return t.replace(s, s.slice(0, -3) + B64.charAt(B64.indexOf(last) ^ 1) + "==");
      },
    ],
    ["an escaped character in a string", (t) => t.replace('"cipher":"xchacha20poly1305-ietf"', '"cipher":"xchacha20poly1305\\u002dietf"')],
    ["an escaped slash in base64", (t) => t.replace(dataOf(t), dataOf(t).replace("/", "\\/"))],
    ["an upper-case hex vaultId", (t) => t.replace(/"vaultId":"([0-9a-f]{32})"/, (_m, id: string) => `"vaultId":"${id.toUpperCase()}"`)],
    ["an upper-case hex slot id", (t) => t.replace(/"id":"([0-9a-f]{32})"/, (_m, id: string) => `"id":"${id.toUpperCase()}"`)],
    ["ext with unsorted keys", (t) => t.replace('"ext":{"generation":1}', '"ext":{"generation":1,"b":1,"a":2}')],
    ["an unknown top-level member", (t) => t.replace('"ext":{"generation":1},', '"ext":{"generation":1},"extra":1,')],
    ["a missing member (ext)", (t) => t.replace('"ext":{"generation":1},', "")],
    ["an unknown slot member", (t) => t.replace('"kind":"password",', '"kind":"password","label":"x",')],
  ];

  it.each(cases)("%s → corrupted, no KDF", async (what, edit) => {
    const edited = editText(v.bytes, edit);
    expect(dec(edited), `${what} should change the file`).not.toBe(text);
    expect(damagedKind(edited)).toBe("corrupted");
    await refusedBeforeKdf(edited, "corrupted");
    // and without the recomputed checksum it is corrupted too (checksum mismatch)
    expect(damagedKind(enc(edit(text)))).toBe("corrupted");
  });

  it.each([
    ["CRLF line end", (t: string) => t.replace(/\n$/, "\r\n")],
    ["no line end", (t: string) => t.replace(/\n$/, "")],
    ["two line ends", (t: string) => t + "\n"],
    ["a space before the line end", (t: string) => t.replace(/\n$/, " \n")],
    ["a space before the checksum", (t: string) => t.replace(',"checksum":', ', "checksum":')],
  ])("%s (checksum itself still right for the body) → corrupted", async (_what, edit) => {
    const edited = enc(edit(text));
    expect(damagedKind(edited)).toBe("corrupted");
    await refusedBeforeKdf(edited, "corrupted");
  });
});

// ---------------------------------------------------------------- slots and KDF caps

describe("key slots", () => {
  const pwSlot = () => JSON.parse(text).slots[0] as Record<string, any>;

  it.each<[string, (o: Record<string, any>) => void]>([
    ["no slots", (o) => (o.slots = [])],
    ["slots not an array", (o) => (o.slots = pwSlot())],
    ["9 slots", (o) => (o.slots = Array.from({ length: 9 }, () => ({ ...pwSlot(), id: newId() })))],
    [
      "only unknown kinds",
      (o) =>
        (o.slots = [
          { id: newId(), kind: "yubikey" },
          { id: newId(), kind: "fido2" },
        ]),
    ],
    ["duplicate slot ids", (o) => (o.slots = [pwSlot(), pwSlot()])],
    ["duplicate ids, unknown and password", (o) => (o.slots = [pwSlot(), { id: pwSlot().id, kind: "yubikey" }])],
    ["wrapped of 47 bytes", (o) => (o.slots[0].wrapped = Buffer.alloc(47, 1).toString("base64"))],
    ["wrapped of 49 bytes", (o) => (o.slots[0].wrapped = Buffer.alloc(49, 1).toString("base64"))],
    ["wrapped of 0 bytes", (o) => (o.slots[0].wrapped = "")],
    ["slot nonce of 23 bytes", (o) => (o.slots[0].nonce = Buffer.alloc(23, 1).toString("base64"))],
    ["slot nonce of 25 bytes", (o) => (o.slots[0].nonce = Buffer.alloc(25, 1).toString("base64"))],
    ["slot nonce of 12 bytes", (o) => (o.slots[0].nonce = Buffer.alloc(12, 1).toString("base64"))],
    ["payload nonce of 23 bytes", (o) => (o.nonce = Buffer.alloc(23, 1).toString("base64"))],
    ["payload nonce of 25 bytes", (o) => (o.nonce = Buffer.alloc(25, 1).toString("base64"))],
    ["slot without an id", (o) => delete o.slots[0].id],
    ["slot id of 31 hex chars", (o) => (o.slots[0].id = o.slots[0].id.slice(1))],
    [
      "a recovery slot with a 15-byte salt",
      (o) =>
        o.slots.push({
          id: newId(),
          kind: "recovery",
          salt: Buffer.alloc(15).toString("base64"),
          nonce: Buffer.alloc(24).toString("base64"),
          wrapped: Buffer.alloc(48).toString("base64"),
        }),
    ],
    ["an unknown slot with a fraction", (o) => o.slots.push({ id: newId(), kind: "yubikey", x: 1.5 })],
    ["an unknown slot with unsorted keys", (o) => o.slots.push({ kind: "yubikey", id: newId() })],
    ["a slot that is a string", (o) => o.slots.push("password")],
    ["unknown cipher", (o) => (o.cipher = "aes-256-gcm")],
    ["data shorter than a tag", (o) => (o.data = Buffer.alloc(15).toString("base64"))],
  ])("%s → corrupted, no KDF", async (_what, fn) => {
    const bytes = editJson(v.bytes, fn);
    expect(damagedKind(bytes)).toBe("corrupted");
    await refusedBeforeKdf(bytes, "corrupted");
  });

  it("8 slots are accepted (the cap), and parsing them runs no KDF", () => {
    const bytes = editJson(v.bytes, (o) => (o.slots = [pwSlot(), ...Array.from({ length: 7 }, () => ({ ...pwSlot(), id: newId() }))]));
    const before = kdfCount();
    expect(parseEnvelope(bytes).envelope.slots).toHaveLength(8);
    expect(kdfCount()).toBe(before);
  });

  const kdfCases: [string, (k: Record<string, any>) => void][] = [
    ["name argon2i13", (k) => (k.name = "argon2i13")],
    ["name argon2id", (k) => (k.name = "argon2id")],
    ["name scrypt", (k) => (k.name = "scrypt")],
    ["salt of 15 bytes", (k) => (k.salt = Buffer.alloc(15, 7).toString("base64"))],
    ["salt of 17 bytes", (k) => (k.salt = Buffer.alloc(17, 7).toString("base64"))],
    ["salt of 0 bytes", (k) => (k.salt = "")],
    ["mem 1 GiB + 1 KiB", (k) => (k.mem = 1024 ** 3 + 1024)],
    ["mem 2^53 − 1", (k) => (k.mem = Number.MAX_SAFE_INTEGER)],
    ["mem 7 KiB", (k) => (k.mem = 7 * 1024)],
    ["mem 0", (k) => (k.mem = 0)],
    ["mem 8193 (not a multiple of 1024)", (k) => (k.mem = 8193)],
    ["mem 65 MiB + 512", (k) => (k.mem = 65 * 1024 * 1024 + 512)],
    ["mem as a string", (k) => (k.mem = "8192")],
    ["ops 11", (k) => (k.ops = 11)],
    ["ops 0", (k) => (k.ops = 0)],
    ["ops −1", (k) => (k.ops = -1)],
    ["ops 4294967295", (k) => (k.ops = 4294967295)],
    ["ops as a string", (k) => (k.ops = "3")],
  ];
  it.each(kdfCases)("KDF %s → unsafe-kdf-params, no KDF", async (_what, fn) => {
    const bytes = editJson(v.bytes, (o) => fn(o.slots[0].kdf));
    const t0 = performance.now();
    expect(damagedKind(bytes)).toBe("unsafe-kdf-params");
    expect(performance.now() - t0).toBeLessThan(100);
    await refusedBeforeKdf(bytes, "unsafe-kdf-params");
  });

  it("the caps' edges parse (ops 1 and 10, mem 8 KiB and 1 GiB) without running the KDF", () => {
    const before = kdfCount();
    for (const [ops, mem] of [
      [1, 8192],
      [10, 1024 ** 3],
      [3, 64 * 1024 * 1024],
    ] as const) {
      const bytes = editJson(v.bytes, (o) => Object.assign(o.slots[0].kdf, { ops, mem }));
      const slot = parseEnvelope(bytes).envelope.slots[0]!;
      expect(slot.kind === "password" && [slot.kdf.ops, slot.kdf.mem]).toEqual([ops, mem]);
    }
    expect(kdfCount()).toBe(before);
  });

  it("an unknown slot kind next to a valid password slot: unlock works, and a rewrite keeps its JSON byte for byte", async () => {
    const unknownId = newId();
    const raw: JsonObject = {
      zeta: [3, 2, 1],
      id: unknownId,
      kind: "fido2-hmac-secret",
      alpha: { b: 1, a: "x" },
      credential: "AAECAw==",
      n: null,
      t: true,
      ü: "ß",
    };
    const want = `{"alpha":{"a":"x","b":1},"credential":"AAECAw==","id":"${unknownId}","kind":"fido2-hmac-secret","n":null,"t":true,"zeta":[3,2,1],"ü":"ß"}`;
    const base = parseEnvelope(v.bytes).envelope;
    const first = serializeEnvelope(
      sealData({ ...base, slots: [base.slots[0]!, { kind: "unknown", id: unknownId, raw }] }, v.masterKey, v.data),
    );
    expect(dec(first)).toContain(`"slots":[${JSON.stringify((JSON.parse(text) as { slots: unknown[] }).slots[0])},${want}]`);

    const before = kdfCount();
    const opened = await openWithPassword(first, "test");
    expect(kdfCount() - before).toBe(1); // the unknown slot is skipped, not tried
    expect(opened.data).toEqual(v.data);

    const env = parseEnvelope(first).envelope;
    const more = addEntry(opened.data, totpDraft("Second"), newId(), NOW_ISO).data;
    const second = serializeEnvelope(sealData(env, opened.masterKey, more));
    const slotsText = (t: string) => t.slice(t.indexOf('"slots":'), t.indexOf(',"cipher":'));
    expect(slotsText(dec(second))).toBe(slotsText(dec(first)));
    expect(dec(second)).toContain(want);
    expect((await openWithPassword(second, "test")).data.entries.map((e) => e.name)).toEqual(["GitHub", "Second"]);
  });

  it("a wrong password is tried on the password slot only, and an unknown slot never opens anything", async () => {
    const base = parseEnvelope(v.bytes).envelope;
    const id = newId();
    const good = serializeEnvelope(
      sealData({ ...base, slots: [{ kind: "unknown", id, raw: { id, kind: "password2" } }, base.slots[0]!] }, v.masterKey, v.data),
    );
    expect(await kdfRunsDuring(() => openWithPassword(good, "test"))).toBe(1);
    expect(await kdfRunsDuring(() => openWithPassword(good, "wrong"))).toBe(1);
    expect(await thrown(() => openWithPassword(good, "wrong"))).toBeInstanceOf(AuthError);
  });
});

// ---------------------------------------------------------------- versions

describe("versions", () => {
  it.each([
    ["version 2, checksum recomputed", () => editJson(v.bytes, (o) => (o.version = 2))],
    ["version 2, checksum not recomputed", () => enc(text.replace('"version":1,', '"version":2,'))],
    ["version 2 with members this otp does not know", () => enc('{"format":"otpvault","version":2,"whatever":[1,2,3]}\n')],
    ["version 17", () => editJson(v.bytes, (o) => (o.version = 17))],
  ])("%s → newer-version naming both versions, no KDF", async (_what, make) => {
    const bytes = make();
    const err = thrownSync(() => parseEnvelope(bytes)) as VaultDamagedError;
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("newer-version");
    expect(err.message).toMatch(/newer otp \(format (2|17)\); this otp reads format 1/);
    expect(err.hints.join(" ")).toMatch(/upgrade otp/);
    await refusedBeforeKdf(bytes, "newer-version");
  });

  it.each([
    ["version 0", (o: Record<string, any>) => (o.version = 0)],
    ['version "1"', (o: Record<string, any>) => (o.version = "1")],
    ["version 2.5", (o: Record<string, any>) => (o.version = 2.5)],
    ["minor -1", (o: Record<string, any>) => (o.minor = -1)],
    ['minor "1"', (o: Record<string, any>) => (o.minor = "1")],
  ])("%s → corrupted", (_what, fn) => {
    expect(damagedKind(editJson(v.bytes, fn))).toBe("corrupted");
  });

  it("a newer minor with something in ext: read-only, opens, and a rewrite keeps minor and ext verbatim", async () => {
    const ext: JsonObject = { future: 1, generation: 1, nested: { list: [1, "two", { deep: null }], z: true }, ünï: "cödé" };
    const base = parseEnvelope(v.bytes).envelope;
    const newer = FORMAT_MINOR + 1;
    const bytes = serializeEnvelope(sealData({ ...base, minor: newer, ext }, v.masterKey, v.data));
    const extText = '"ext":{"future":1,"generation":1,"nested":{"list":[1,"two",{"deep":null}],"z":true},"ünï":"cödé"}';
    expect(dec(bytes)).toContain(`"minor":${newer},`);
    expect(dec(bytes)).toContain(extText);

    const opened = await openWithPassword(bytes, "test");
    expect(opened.readOnly).toBe(true);
    expect(opened.data).toEqual(v.data);

    const env = parseEnvelope(bytes).envelope;
    expect(env.ext).toEqual(ext);
    const again = dec(serializeEnvelope(sealData(env, opened.masterKey, v.data)));
    expect(again).toContain(`"minor":${newer},`);
    expect(again).toContain(extText);
    expect((await openWithPassword(enc(again), "test")).readOnly).toBe(true);
  });

  it("today's minor opens read-write, and so does an older one", async () => {
    expect((await openWithPassword(v.bytes, "test")).readOnly).toBe(false);
    const base = parseEnvelope(v.bytes).envelope;
    const old = serializeEnvelope(sealData({ ...base, minor: 0, ext: {} }, v.masterKey, v.data));
    expect((await openWithPassword(old, "test")).readOnly).toBe(false);
  });

  it("minor and ext are authenticated: editing either (checksum recomputed) stops the data opening", async () => {
    for (const fn of [
      (o: Record<string, any>) => (o.minor = 4),
      (o: Record<string, any>) => (o.ext = { future: 1, generation: 1 }),
      (o: Record<string, any>) => (o.ext = { generation: 2 }),
    ]) {
      const edited = editJson(v.bytes, fn);
      const { envelope } = parseEnvelope(edited);
      const mk = await unlockWithPassword(envelope, "test");
      const err = thrownSync(() => openData(envelope, mk)) as VaultDamagedError;
      expect(err).toBeInstanceOf(VaultDamagedError);
      expect(err.kind).toBe("corrupted");
    }
  });
});

describe("bounds a file cannot push past (issue: trust, smaller holes)", () => {
  const slotAtCaps = (id: string) => ({
    id,
    kind: "password",
    kdf: { name: "argon2id13", ops: 10, mem: 1024 * 1024 * 1024, salt: "AAAAAAAAAAAAAAAAAAAAAA==" },
    nonce: "A".repeat(32),
    wrapped: "A".repeat(64),
  });

  it("one password slot at the caps is allowed; two ask for more KDF work than one attempt may cost: unsafe-kdf-params, before any KDF", async () => {
    const one = editJson(v.bytes, (o) => (o.slots = [slotAtCaps("0".repeat(32))]));
    expect(() => parseEnvelope(one)).not.toThrow();
    const two = editJson(v.bytes, (o) => (o.slots = [slotAtCaps("0".repeat(32)), slotAtCaps("1".repeat(32))]));
    expect(damagedKind(two)).toBe("unsafe-kdf-params");
    await refusedBeforeKdf(two, "unsafe-kdf-params");
    // eight slots of 1.3 GiB·passes each: the same
    const eight = editJson(
      v.bytes,
      (o) =>
        (o.slots = Array.from({ length: 8 }, (_, i) => ({
          ...slotAtCaps(String(i).repeat(32)),
          kdf: { ...slotAtCaps("").kdf, ops: 1, mem: 1344 * 1024 * 1024 - ((1344 * 1024 * 1024) % 1024) },
        }))),
    );
    expect(damagedKind(eight)).toBe("unsafe-kdf-params");
    expect(MAX_KDF_WORK).toBe(10 * 1024 ** 3);
  });

  it("ext nested 5,000 deep is damaged (corrupted), not a stack overflow", async () => {
    const deep = editText(v.bytes, (t) =>
      t.replace('"ext":{"generation":1}', `"ext":{"a":${'{"a":'.repeat(4999)}1${"}".repeat(4999)},"generation":1}`),
    );
    expect(damagedKind(deep)).toBe("corrupted");
    expect((thrownSync(() => parseEnvelope(deep)) as Error).message).toContain("nested too deeply");
    // an unknown slot nested deep: the same
    const slot = editText(v.bytes, (t) =>
      t.replace('"slots":[', `"slots":[{"id":"${"9".repeat(32)}","kind":"future","x":${"[".repeat(5000)}${"]".repeat(5000)}},`),
    );
    expect(damagedKind(slot)).toBe("corrupted");
  });

  it("bytes after the vault are named as trailing data, not as truncation", () => {
    for (const extra of [enc("x"), new Uint8Array(1024), v.bytes]) {
      const joined = new Uint8Array([...v.bytes, ...extra]);
      const err = thrownSync(() => parseEnvelope(joined)) as VaultDamagedError;
      expect(err.kind).toBe("corrupted");
      expect(err.message).toContain(`${extra.length} byte${extra.length === 1 ? "" : "s"} of trailing data after the vault`);
    }
    expect((thrownSync(() => parseEnvelope(v.bytes.subarray(0, v.bytes.length - 5))) as VaultDamagedError).message).toContain("truncated");
  });
});
