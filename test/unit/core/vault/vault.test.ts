// Creating, unlocking, opening and sealing vaults (vault.ts, model.ts; the slots, keys and
// payload of format.ts's top comment; docs/testplan.md A.11–12, B.13–14): round trips, one KDF per password slot, fresh
// nonces, sealAndVerify, payloads that decrypt but are not valid content, unknown fields kept,
// tombstones, and the frozen password normalisation (UTF-8 of NFC).
import { beforeAll, describe, expect, it } from "vitest";
import type { Entry } from "../../../../src/core/entry.js";
import { AuthError, InputError, OtpError, VaultDamagedError } from "../../../../src/core/errors.js";
import { deriveSubkey, pad, seal } from "../../../../src/core/vault/crypto.js";
import { FORMAT_MINOR, headerAD, parseEnvelope, serializeEnvelope, type Envelope } from "../../../../src/core/vault/format.js";
import { kdfCount, passwordBytes } from "../../../../src/core/vault/kdf.js";
import { addEntry, emptyData, removeEntry, updateEntry, type VaultData } from "../../../../src/core/vault/model.js";
import {
  createVault,
  makePasswordSlot,
  newId,
  openData,
  sealAndVerify,
  sealData,
  unlockWithPassword,
} from "../../../../src/core/vault/vault.js";
import {
  CHEAP_KDF,
  NOW_ISO,
  dataWith,
  enc,
  hex,
  kdfRunsDuring,
  openWithPassword,
  smallVault,
  thrown,
  thrownSync,
  totpDraft,
  type SmallVault,
} from "./helpers.js";

let v: SmallVault;
beforeAll(async () => {
  v = await smallVault("test", [totpDraft("GitHub"), totpDraft("GitLab", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")]);
});

describe("create, unlock, open, seal", () => {
  it("a new vault opens with its password to exactly the data it was made with", async () => {
    const { envelope, readOnly } = parseEnvelope(v.bytes);
    expect(readOnly).toBe(false);
    expect([envelope.version, envelope.minor]).toEqual([1, FORMAT_MINOR]);
    expect(envelope.vaultId).toMatch(/^[0-9a-f]{32}$/);
    expect(envelope.slots).toHaveLength(1);
    const slot = envelope.slots[0]!;
    expect(slot.kind === "password" && { ...slot.kdf, salt: slot.kdf.salt.length }).toEqual({
      name: "argon2id13",
      ops: 1,
      mem: 8192,
      salt: 16,
    });
    const mk = await unlockWithPassword(envelope, "test");
    expect(hex(mk)).toBe(hex(v.masterKey));
    expect(mk).toHaveLength(32);
    expect(openData(envelope, mk)).toEqual(v.data);
    expect(v.data.entries.map((e) => e.name)).toEqual(["GitHub", "GitLab"]);
  });

  it("sealData + serializeEnvelope writes new data under the same master key and slots", async () => {
    const { envelope } = parseEnvelope(v.bytes);
    const next = addEntry(v.data, totpDraft("Third"), newId(), NOW_ISO).data;
    const bytes = serializeEnvelope(sealData(envelope, v.masterKey, next));
    const back = await openWithPassword(bytes, "test");
    expect(back.data).toEqual(next);
    expect(hex(back.masterKey)).toBe(hex(v.masterKey));
    const env2 = parseEnvelope(bytes).envelope;
    expect(env2.vaultId).toBe(envelope.vaultId);
    expect(serializeEnvelope({ ...env2, nonce: envelope.nonce, data: envelope.data })).toEqual(v.bytes);
  });

  it("the payload is padded to 4 KiB blocks (the entry count shows only roughly)", async () => {
    const sizes = new Set<number>();
    for (const n of [0, 1, 2, 3]) {
      const { bytes } = await createVault("x", dataWith(Array.from({ length: n }, (_, i) => totpDraft(`e${i}`))), CHEAP_KDF);
      sizes.add(parseEnvelope(bytes).envelope.data.length);
    }
    // minor 3: the segments together fill whole 4 KiB blocks (the index's padding makes up the rest)
    expect([...sizes]).toEqual([4096]);
    const big = await createVault("x", dataWith(Array.from({ length: 10 }, (_, i) => totpDraft(`entry number ${i}`))), CHEAP_KDF);
    expect(parseEnvelope(big.bytes).envelope.data.length % 4096).toBe(0);
  });

  it("two vaults never share a master key, vaultId, slot id, salt or nonce", async () => {
    const a = await createVault("same", emptyData(NOW_ISO), CHEAP_KDF);
    const b = await createVault("same", emptyData(NOW_ISO), CHEAP_KDF);
    const [ea, eb] = [a.envelope, b.envelope];
    const [sa, sb] = [ea.slots[0]!, eb.slots[0]!];
    if (sa.kind !== "password" || sb.kind !== "password") throw new Error("password slots expected");
    expect(hex(a.masterKey)).not.toBe(hex(b.masterKey));
    expect(ea.vaultId).not.toBe(eb.vaultId);
    expect(sa.id).not.toBe(sb.id);
    expect(hex(sa.kdf.salt)).not.toBe(hex(sb.kdf.salt));
    expect(hex(sa.nonce)).not.toBe(hex(sb.nonce));
    expect(hex(ea.nonce)).not.toBe(hex(eb.nonce));
    expect(hex(sa.wrapped)).not.toBe(hex(sb.wrapped));
  });

  it("every write has a fresh payload nonce (and so new ciphertext), and sealData leaves its input alone", () => {
    const { envelope } = parseEnvelope(v.bytes);
    const nonceBefore = hex(envelope.nonce);
    const nonces = new Set<string>([nonceBefore]);
    const datas = new Set<string>([hex(envelope.data)]);
    for (let i = 0; i < 50; i++) {
      const next = sealData(envelope, v.masterKey, v.data);
      nonces.add(hex(next.nonce));
      datas.add(hex(next.data));
      expect(hex(next.nonce)).not.toBe("00".repeat(24));
    }
    expect(nonces.size).toBe(51);
    expect(datas.size).toBe(51);
    expect(hex(envelope.nonce)).toBe(nonceBefore);
    // and the sealAndVerify path too
    const a = parseEnvelope(sealAndVerify(envelope, v.masterKey, v.data)).envelope;
    const b = parseEnvelope(sealAndVerify(envelope, v.masterKey, v.data)).envelope;
    expect(new Set([nonceBefore, hex(a.nonce), hex(b.nonce)]).size).toBe(3);
  });

  it("sealAndVerify returns bytes that parse and open to exactly the data", async () => {
    const { envelope } = parseEnvelope(v.bytes);
    const next = removeEntry(v.data, v.data.entries[0]!.id, NOW_ISO);
    const bytes = sealAndVerify(envelope, v.masterKey, next);
    expect((await openWithPassword(bytes, "test")).data).toEqual(next);
  });

  it("sealAndVerify refuses data that would not read back (duplicate entry ids), returning nothing", () => {
    const { envelope } = parseEnvelope(v.bytes);
    const dup: VaultData = { ...v.data, entries: [v.data.entries[0]!, { ...v.data.entries[1]!, id: v.data.entries[0]!.id }] };
    const err = thrownSync(() => sealAndVerify(envelope, v.masterKey, dup));
    expect(err).toBeInstanceOf(OtpError);
    expect((err as OtpError).kind).toMatch(/invalid-content|verify-failed/);
  });

  it("openData with another master key is corrupted (not a wrong password: the key already unwrapped)", () => {
    const { envelope } = parseEnvelope(v.bytes);
    const err = thrownSync(() => openData(envelope, new Uint8Array(32).fill(1))) as VaultDamagedError;
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("corrupted");
  });
});

describe("wrong passwords", () => {
  it("→ AuthError wrong-password after exactly one KDF, with no password in the message", async () => {
    const { envelope } = parseEnvelope(v.bytes);
    const before = kdfCount();
    const err = (await thrown(() => unlockWithPassword(envelope, "hunter2-secret"))) as AuthError;
    expect(kdfCount() - before).toBe(1);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).not.toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("wrong-password");
    expect(err.message).toBe("wrong password");
    expect(JSON.stringify([err.message, err.hints, String(err.stack)])).not.toContain("hunter2");
  });

  it("with three password slots (plus a recovery and an unknown slot): one KDF per password slot, each password opens", async () => {
    const base = parseEnvelope(v.bytes).envelope;
    const s2 = await makePasswordSlot(base.vaultId, v.masterKey, "second", CHEAP_KDF);
    const s3 = await makePasswordSlot(base.vaultId, v.masterKey, "third", { ops: 2, mem: 16 * 1024 });
    const recovery = {
      kind: "recovery" as const,
      id: newId(),
      salt: new Uint8Array(16).fill(1),
      nonce: new Uint8Array(24).fill(2),
      wrapped: new Uint8Array(48).fill(3),
    };
    const unknownId = newId();
    const env: Envelope = {
      ...base,
      slots: [base.slots[0]!, recovery, s2, { kind: "unknown", id: unknownId, raw: { id: unknownId, kind: "fido2" } }, s3],
    };
    const bytes = serializeEnvelope(sealData(env, v.masterKey, v.data));

    expect(await kdfRunsDuring(() => openWithPassword(bytes, "none of them"))).toBe(3);
    expect(await thrown(() => openWithPassword(bytes, "none of them"))).toBeInstanceOf(AuthError);
    for (const [pw, runs] of [
      ["test", 1],
      ["second", 2],
      ["third", 3],
    ] as const) {
      expect(await kdfRunsDuring(() => openWithPassword(bytes, pw))).toBe(runs);
      expect((await openWithPassword(bytes, pw)).data).toEqual(v.data);
    }
  });

  it("a slot copied from another vault (same password) does not open this one", async () => {
    const other = await smallVault("test");
    const base = parseEnvelope(v.bytes).envelope;
    const foreign = parseEnvelope(other.bytes).envelope.slots[0]!;
    const bytes = serializeEnvelope(sealData({ ...base, slots: [foreign] }, v.masterKey, v.data));
    const err = (await thrown(() => openWithPassword(bytes, "test"))) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.kind).toBe("wrong-password");
  });
});

// ---------------------------------------------------------------- payload content

/** env with `data` replaced by arbitrary plaintext sealed under the real payload key. */
/** env as a minor-2 file whose single sealed payload is `plain` (payload.test.ts does minor 3's segments). */
function withPlaintext(env: Envelope, masterKey: Uint8Array, plain: Uint8Array, padded = true): Envelope {
  const key = deriveSubkey(masterKey, "payload");
  const minor2 = { ...env, minor: 2 };
  return { ...minor2, data: seal(key, env.nonce, padded ? pad(plain, 1024) : plain, headerAD(minor2)) };
}

describe("a payload that decrypts but is not valid content", () => {
  const SEED = "JBSWY3DPEHPK3PXPSEEDMARKER";
  const entry = (more: Record<string, unknown>) => ({ id: "a", name: "n", secret: SEED, type: "totp", ...more });
  const doc = (entries: unknown[], more: Record<string, unknown> = {}) => JSON.stringify({ entries, tombstones: [], meta: {}, ...more });
  const cases: [string, string][] = [
    ["truncated JSON", doc([entry({})]).slice(0, -5)],
    ["JSON with a trailing comma", doc([entry({})]).replace("]", ",]")],
    ["a JSON string", JSON.stringify(SEED)],
    ["null", "null"],
    ["an array", `[${JSON.stringify(entry({}))}]`],
    ["entries not an array", JSON.stringify({ entries: { a: entry({}) }, tombstones: [], meta: {} })],
    ["tombstones missing", JSON.stringify({ entries: [entry({})], meta: {} })],
    ["meta missing", JSON.stringify({ entries: [entry({})], tombstones: [] })],
    ["meta an array", JSON.stringify({ entries: [entry({})], tombstones: [], meta: [SEED] })],
    ["an entry without a secret", doc([{ id: "a", name: SEED, type: "totp" }])],
    ["an entry with a numeric secret", doc([entry({ secret: 12345 })])],
    ["an entry without an id", doc([{ name: "n", secret: SEED, type: "totp" }])],
    ["an entry without a type", doc([{ id: "a", name: "n", secret: SEED }])],
    ["an entry that is a string", doc([SEED])],
    ["an issuer that is a number", doc([entry({ issuer: 1 })])],
    ["tags that are not strings", doc([entry({ tags: [SEED, 2] })])],
    ["recovery codes not an array", doc([entry({ recoveryCodes: { code: SEED } })])],
    ["duplicate entry ids", doc([entry({}), entry({ name: "other", secret: SEED + "B" })])],
    ["a tombstone without removedAt", doc([entry({})], { tombstones: [{ id: SEED }] })],
  ];

  it.each(cases)("%s → VaultDamagedError invalid-content, quoting none of the plaintext", (_what, plain) => {
    const base = parseEnvelope(v.bytes).envelope;
    const env = withPlaintext(base, v.masterKey, enc(plain));
    const err = thrownSync(() => openData(env, v.masterKey)) as VaultDamagedError;
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("invalid-content");
    expect(err.message).toBe("vault content invalid");
    const said = JSON.stringify([err.message, err.hints, String(err.stack), String((err as { cause?: unknown }).cause ?? "")]);
    expect(said).not.toContain("SEEDMARKER");
    expect(said).not.toContain("JBSWY3DP");
    // and through the file: the same error after a real parse and unlock
    const bytes = serializeEnvelope(env);
    return openWithPassword(bytes, "test").then(
      () => expect.fail("opened"),
      (e: unknown) => expect((e as VaultDamagedError).kind).toBe("invalid-content"),
    );
  });

  it("unpadded plaintext, or an empty one, → invalid-content", () => {
    const base = parseEnvelope(v.bytes).envelope;
    for (const [plain, padded] of [
      [enc(doc([entry({})])), false],
      [new Uint8Array(1024), false],
      [new Uint8Array(0), false],
      [new Uint8Array(0), true],
    ] as const) {
      const err = thrownSync(() => openData(withPlaintext(base, v.masterKey, plain, padded), v.masterKey)) as VaultDamagedError;
      expect(err).toBeInstanceOf(VaultDamagedError);
      expect(err.kind).toBe("invalid-content");
    }
  });

  it("a payload that is not valid UTF-8 → invalid-content (not silently replaced by U+FFFD)", () => {
    const base = parseEnvelope(v.bytes).envelope;
    const json = enc(doc([entry({ name: "caf\u00e9" })]));
    const at = Buffer.from(json).indexOf(Buffer.from("caf")) + 3;
    const broken = new Uint8Array(json);
    broken[at] = 0xff; // "caf\xff\xa9"
    const env = withPlaintext(base, v.masterKey, broken);
    const err = thrownSync(() => openData(env, v.masterKey)) as VaultDamagedError;
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("invalid-content");
  });

  it("a valid payload sealed the same way opens (the seam itself works)", () => {
    const base = parseEnvelope(v.bytes).envelope;
    const d = openData(withPlaintext(base, v.masterKey, enc(doc([entry({})]))), v.masterKey);
    expect(d.entries.map((e) => e.secret)).toEqual([SEED]);
  });
});

// ---------------------------------------------------------------- unknown content survives

describe("fields and types this otp does not know are kept", () => {
  const future = {
    id: "f".repeat(32),
    name: "YubiKey",
    issuer: "Yubico",
    account: "me",
    type: "yubico-otp",
    secret: "GEZDGNBVGY3TQOJQ",
    algorithm: "SHA1",
    digits: 6,
    tags: [],
    notes: "",
    recoveryCodes: [],
    createdAt: NOW_ISO,
    updatedAt: NOW_ISO,
    touchPolicy: { required: true, timeoutMs: 15000 },
    icon: "data:image/png;base64,AAAA",
  };

  it("unknown entry fields, entry types, top-level members, meta and tombstone fields survive add/update/remove of other entries and a seal/open", async () => {
    const start: VaultData = {
      ...v.data,
      entries: [...v.data.entries, future as unknown as Entry],
      tombstones: [{ id: "old", removedAt: NOW_ISO, by: "device-2" }],
      meta: { ...v.data.meta, syncCursor: 42 },
      syncState: { peers: ["a", "b"] },
    };
    const { envelope } = parseEnvelope(v.bytes);
    let d = openData(parseEnvelope(sealAndVerify(envelope, v.masterKey, start)).envelope, v.masterKey);
    expect(d).toEqual(start);

    d = addEntry(d, totpDraft("Added"), newId(), "2026-02-01T00:00:00.000Z").data;
    d = updateEntry(d, v.data.entries[0]!.id, { notes: "changed" }, "2026-02-02T00:00:00.000Z");
    d = removeEntry(d, v.data.entries[1]!.id, "2026-02-03T00:00:00.000Z");
    const back = openData(parseEnvelope(sealAndVerify(envelope, v.masterKey, d)).envelope, v.masterKey);

    expect(back.entries.find((e) => e.id === future.id)).toEqual(future);
    expect(back.syncState).toEqual({ peers: ["a", "b"] });
    expect(back.meta.syncCursor).toBe(42);
    expect(back.tombstones[0]).toEqual({ id: "old", removedAt: NOW_ISO, by: "device-2" });
    expect(back.entries.map((e) => e.name)).toEqual(["GitHub", "YubiKey", "Added"]);
    expect(back.entries[0]!.notes).toBe("changed");
  });

  it("updateEntry of the unknown entry itself keeps its unknown fields and stamps updatedAt", () => {
    const d: VaultData = { ...v.data, entries: [future as unknown as Entry] };
    const e = updateEntry(d, future.id, { name: "YubiKey 5" }, "2026-03-01T00:00:00.000Z").entries[0]!;
    expect(e).toEqual({ ...future, name: "YubiKey 5", updatedAt: "2026-03-01T00:00:00.000Z" });
  });

  it("removeEntry leaves a tombstone (once, even if removed twice) and touches nothing else", () => {
    const id = v.data.entries[0]!.id;
    const d1 = removeEntry(v.data, id, "2026-04-01T00:00:00.000Z");
    expect(d1.entries.map((e) => e.id)).toEqual([v.data.entries[1]!.id]);
    expect(d1.tombstones).toEqual([{ id, removedAt: "2026-04-01T00:00:00.000Z" }]);
    expect(d1.meta).toEqual(v.data.meta);
    const d2 = removeEntry(d1, id, "2026-04-02T00:00:00.000Z");
    expect(d2.tombstones).toEqual([{ id, removedAt: "2026-04-02T00:00:00.000Z" }]);
    expect(v.data.tombstones).toEqual([]); // pure: the input is unchanged
  });

  it("addEntry refuses a name that is taken (case-insensitively)", () => {
    const err = thrownSync(() => addEntry(v.data, totpDraft("github"), newId(), NOW_ISO)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.kind).toBe("duplicate-name");
  });
});

// ---------------------------------------------------------------- passwords

describe("passwords are the UTF-8 of their NFC form (frozen)", () => {
  const NFC = "p\u00e4ssw\u00f6rd";
  const NFD = "pa\u0308sswo\u0308rd";

  it("the two spellings differ as strings and agree as password bytes", () => {
    expect(NFC).not.toBe(NFD);
    expect(NFC.normalize("NFC")).toBe(NFC);
    expect(hex(passwordBytes(NFD))).toBe(hex(passwordBytes(NFC)));
    expect(hex(passwordBytes(NFC))).toBe("70c3a4737377c3b67264"); // p ä s s w ö r d
  });

  it("a vault made with the NFC spelling opens with the NFD one, and the other way round", async () => {
    const a = await smallVault(NFC);
    const b = await smallVault(NFD);
    expect((await openWithPassword(a.bytes, NFD)).data).toEqual(a.data);
    expect((await openWithPassword(a.bytes, NFC)).data).toEqual(a.data);
    expect((await openWithPassword(b.bytes, NFC)).data).toEqual(b.data);
    expect(await thrown(() => openWithPassword(a.bytes, "passwort"))).toBeInstanceOf(AuthError);
  });

  it("compatibility forms are not folded: NFC, not NFKC (ﬁ ≠ fi, ² ≠ 2)", async () => {
    const a = await smallVault("file²");
    expect(await thrown(() => openWithPassword(a.bytes, "\ufb01le2"))).toBeInstanceOf(AuthError);
    expect((await openWithPassword(a.bytes, "file\u00b2")).data).toEqual(a.data);
  });

  it.each([
    ["emoji", "🔐🦄 ключ 密码"],
    ["1,000 bytes", "\u00e9".repeat(500)],
    ["a trailing space", "correct horse "],
    ["a leading space", " correct horse"],
    ["a tab and a NUL", "a\tb\u0000c"],
  ])("a password with %s opens its vault, and nearby passwords do not", async (_what, pw) => {
    const a = await smallVault(pw);
    expect((await openWithPassword(a.bytes, pw)).data).toEqual(a.data);
    for (const near of [pw.trim(), pw + " ", pw.slice(0, -1), pw.toUpperCase()].filter((p) => p !== pw))
      expect(await thrown(() => openWithPassword(a.bytes, near)), JSON.stringify(near)).toBeInstanceOf(AuthError);
  });

  it("the 1,000-byte password really is 1,000 bytes", () => {
    expect(passwordBytes("\u00e9".repeat(500))).toHaveLength(1000);
  });
});
