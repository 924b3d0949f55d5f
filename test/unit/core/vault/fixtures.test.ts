// The committed fixture vaults (docs/threat-model.md "Versions"; docs/testplan.md B.14, C.22): each opens with its password
// and gives, at fixed times, the codes written literally below. Those codes were computed once,
// independently of otp, with oathtool (TOTP/HOTP) and a Python hmac/hashlib script (all,
// including Steam); see test/fixtures/vaults/README.md. The fixtures must never change, so
// their SHA-256 is pinned here too.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AuthError } from "../../../../src/core/errors.js";
import { generateCode } from "../../../../src/core/otp.js";
import { generationOf, parseEnvelope, parseHeaderOnly, serializeEnvelope } from "../../../../src/core/vault/format.js";
import { kdfCount } from "../../../../src/core/vault/kdf.js";
import { openDataIndex, sealData } from "../../../../src/core/vault/vault.js";
import { parseRecoveryKey, unlockWithRecoveryKey } from "../../../../src/core/vault/recovery-key.js";
import { priorKeysOf } from "../../../../src/core/vault/prior-keys.js";
import { dec, openWithPassword, thrown } from "./helpers.js";

const read = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/vaults/${name}`, import.meta.url)));
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** 2026-01-01T12:00:00Z and 2033-05-18T03:33:20Z, in ms. */
const T1 = 1_767_268_800_000;
const T2 = 2_000_000_000_000;

describe("vault-v1.otp (password test)", () => {
  const bytes = read("vault-v1.otp");

  it("is the committed file, byte for byte", () => {
    expect(sha256(bytes)).toBe("2a4baac5d5ad7c3e077a8ae73bae84ae4fc672660e50fa3f89485f11f64aa3aa");
    expect(bytes).toHaveLength(3310);
  });

  it("parses as format 1.0 with one cheap password slot, and re-serializes to itself", () => {
    const { envelope, readOnly } = parseEnvelope(bytes);
    expect(readOnly).toBe(false);
    expect(envelope.vaultId).toBe("c4198709d8516d0394f462770d77c42a");
    const slot = envelope.slots[0]!;
    expect(envelope.slots).toHaveLength(1);
    expect(slot.kind === "password" && [slot.kdf.name, slot.kdf.ops, slot.kdf.mem]).toEqual(["argon2id13", 1, 8192]);
    expect(serializeEnvelope(envelope)).toEqual(bytes);
  });

  it("opens with `test` (one KDF) and holds the five entries", async () => {
    const before = kdfCount();
    const { data } = await openWithPassword(bytes, "test");
    expect(kdfCount() - before).toBe(1);
    const view = data.entries.map(({ name, issuer, account, type, secret, algorithm, digits, period, counter, tags, notes }) => ({
      name,
      issuer,
      account,
      type,
      secret,
      algorithm,
      digits,
      period,
      counter,
      tags,
      notes,
    }));
    expect(view).toEqual([
      {
        name: "GitHub",
        issuer: "GitHub",
        account: "alice@example.com",
        type: "totp",
        secret: "JBSWY3DPEHPK3PXP",
        algorithm: "SHA1",
        digits: 6,
        period: 30,
        counter: undefined,
        tags: [],
        notes: "",
      },
      {
        name: "AWS root",
        issuer: "Amazon Web Services",
        account: "root@example.com",
        type: "totp",
        secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA",
        algorithm: "SHA256",
        digits: 8,
        period: 60,
        counter: undefined,
        tags: ["work"],
        notes: "",
      },
      {
        name: "Legacy VPN",
        issuer: "VPN",
        account: "alice",
        type: "hotp",
        secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        algorithm: "SHA1",
        digits: 6,
        period: undefined,
        counter: 5,
        tags: [],
        notes: "",
      },
      {
        name: "Steam",
        issuer: "Steam",
        account: "alice_gamer",
        type: "steam",
        secret: "STEAMSTEAMSTEAM2",
        algorithm: "SHA1",
        digits: 5,
        period: 30,
        counter: undefined,
        tags: [],
        notes: "",
      },
      {
        name: "Bücherei — 東京 🔑",
        issuer: "Stadtbücherei",
        account: "zoë@exämple.de",
        type: "totp",
        secret: "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
        algorithm: "SHA1",
        digits: 6,
        period: 30,
        counter: undefined,
        tags: [],
        notes: "Ausweis Nr. 1234 — ñ",
      },
    ]);
    expect(data.tombstones).toEqual([]);
    expect(data.meta).toEqual({ createdAt: "2026-01-01T00:00:00.000Z" });
    for (const e of data.entries) {
      expect(e.id).toMatch(/^[0-9a-f]{32}$/);
      expect([e.createdAt, e.updatedAt]).toEqual(["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"]);
    }
  });

  it("gives the expected codes at the fixed times", async () => {
    const { data } = await openWithPassword(bytes, "test");
    const byName = (n: string) => data.entries.find((e) => e.name === n)!;
    const codes = (t: number) => data.entries.map((e) => [e.name, generateCode(e, t).code]);
    expect(codes(T1)).toEqual([
      ["GitHub", "704044"],
      ["AWS root", "13523213"],
      ["Legacy VPN", "254676"],
      ["Steam", "DV89H"],
      ["Bücherei — 東京 🔑", "466130"],
    ]);
    expect(codes(T2)).toEqual([
      ["GitHub", "890699"],
      ["AWS root", "34471171"],
      ["Legacy VPN", "254676"],
      ["Steam", "5C3VB"],
      ["Bücherei — 東京 🔑", "278167"],
    ]);
    expect(generateCode(byName("Legacy VPN"), T1, 1).code).toBe("287922"); // the next counter, 6
  });

  it("does not open with a wrong password", async () => {
    expect(await thrown(() => openWithPassword(bytes, "Test"))).toBeInstanceOf(AuthError);
  });
});

describe("vault-v1-paesswoerd.otp (password pässwörd, typed NFC)", () => {
  const bytes = read("vault-v1-paesswoerd.otp");
  const NFC = "p\u00e4ssw\u00f6rd";
  const NFD = "pa\u0308sswo\u0308rd";

  it("is the committed file, byte for byte", () => {
    expect(sha256(bytes)).toBe("b8847b5975af26106efd3dcfb51752c00a26a02616e27c6bb9383336759473a6");
  });

  it("opens with the NFC and with the NFD spelling, and gives the expected code", async () => {
    for (const pw of [NFC, NFD]) {
      const { data } = await openWithPassword(bytes, pw);
      expect(data.entries.map((e) => [e.name, e.issuer, e.account])).toEqual([["Umlaut", "Österreich", "jörg@example.at"]]);
      expect(generateCode(data.entries[0]!, T1).code).toBe("704044");
      expect(generateCode(data.entries[0]!, T2).code).toBe("890699");
    }
  });

  it("does not open with the password spelt without umlauts, or in Latin-1", async () => {
    for (const pw of ["passwoerd", "passwort", "pÃ¤sswÃ¶rd"])
      expect(await thrown(() => openWithPassword(bytes, pw))).toBeInstanceOf(AuthError);
  });
});

describe('vault-v1-minor1.otp (password test, minor 1, ext {"future":1})', () => {
  const bytes = read("vault-v1-minor1.otp");

  it("is the committed file, byte for byte", () => {
    expect(sha256(bytes)).toBe("0a4d1809c5f3a855a0461d84da768ab05f57fba1c8cd7d08988338c27d930ee2");
    expect(dec(bytes)).toContain('"version":1,"minor":1,');
    expect(dec(bytes)).toContain('"ext":{"future":1}');
  });

  it("opens, and gives the expected codes: read-only for an otp of minor 0; read-write since minor 2 (a minor-1 vault has key generation 0)", async () => {
    const { data, readOnly } = await openWithPassword(bytes, "test");
    expect(readOnly).toBe(false);
    expect(generationOf(parseEnvelope(bytes).envelope)).toBe(0);
    expect(data.entries.map((e) => [e.name, e.type, e.algorithm, e.digits, e.period])).toEqual([["Future", "totp", "SHA512", 7, 45]]);
    expect(generateCode(data.entries[0]!, T1).code).toBe("4178984");
    expect(generateCode(data.entries[0]!, T2).code).toBe("1151641");
  });

  it("a rewrite keeps minor 1 and ext verbatim", async () => {
    const { data, masterKey } = await openWithPassword(bytes, "test");
    const again = dec(serializeEnvelope(sealData(parseEnvelope(bytes).envelope, masterKey, data)));
    const head = (t: string) => t.slice(0, t.indexOf(',"nonce":"', t.indexOf('"cipher"')));
    expect(head(again)).toBe(head(dec(bytes)));
    expect(again).toContain('"ext":{"future":1},"data":');
  });
});

describe("vault-v1-minor2.otp (password test, key generation 2, recovery key 008JK-4CT40-ANK76-F24SG-NAXWS-SQFE3-ZW93D)", () => {
  const bytes = read("vault-v1-minor2.otp");
  const KEY = "008JK-4CT40-ANK76-F24SG-NAXWS-SQFE3-ZW93D";

  it("is the committed file, byte for byte, at minor 2 and key generation 2", () => {
    expect(sha256(bytes)).toBe("0bfb942534440bb622c9c3c42f2e4533167099adb7223b0f4157361049b40d8e");
    const { envelope, readOnly } = parseEnvelope(bytes);
    expect(readOnly).toBe(false);
    expect([envelope.minor, generationOf(envelope)]).toEqual([2, 2]);
    expect(envelope.slots.map((s) => s.kind)).toEqual(["password", "recovery-box"]);
    expect(serializeEnvelope(envelope)).toEqual(bytes);
  });

  it("opens with its password and with its recovery key, to the same data and codes; it keeps one prior key", async () => {
    const { data, masterKey } = await openWithPassword(bytes, "test");
    const { envelope } = parseEnvelope(bytes);
    const byKey = await unlockWithRecoveryKey(envelope, parseRecoveryKey(KEY));
    expect(Buffer.from(byKey).equals(Buffer.from(masterKey))).toBe(true);
    expect(data.entries.map((e) => e.name)).toEqual(["GitHub", "Legacy VPN"]);
    expect(generateCode(data.entries[0]!, T1).code).toBe("704044");
    expect(generateCode(data.entries[0]!, T2).code).toBe("890699");
    expect(generateCode(data.entries[1]!, T1).code).toBe("254676");
    expect(priorKeysOf(data).map((k) => k.generation)).toEqual([1]);
    expect(await thrown(() => openWithPassword(bytes, "first password"))).toBeInstanceOf(AuthError);
  });
});

describe("vault-v1-minor3.otp (password test; the entries of vault-v1.otp in a segmented payload)", () => {
  const bytes = read("vault-v1-minor3.otp");

  it("is the committed file, byte for byte, at minor 3", () => {
    expect(sha256(bytes)).toBe("6b234d8d91cc62eeddedaf40aa540091e629a849e2b5f83b34c66231e0e37037");
    expect(bytes).toHaveLength(6036);
    const { envelope, readOnly } = parseEnvelope(bytes);
    expect(readOnly).toBe(false);
    expect([envelope.minor, generationOf(envelope), envelope.vaultId]).toEqual([3, 1, "e4db0b7c723e3f24680dcb926c696b77"]);
    expect(serializeEnvelope(envelope)).toEqual(bytes);
  });

  it("opens with `test`, whole and through its index, to the five entries and their codes", async () => {
    const { data, masterKey } = await openWithPassword(bytes, "test");
    const codes = (e: Parameters<typeof generateCode>[0]) => [generateCode(e, T1).code, generateCode(e, T2).code];
    const want = [
      ["GitHub", ["704044", "890699"]],
      ["AWS root", ["13523213", "34471171"]],
      ["Legacy VPN", ["254676", "254676"]],
      ["Steam", ["DV89H", "5C3VB"]],
      ["Bücherei — 東京 🔑", ["466130", "278167"]],
    ];
    expect(data.entries.map((e) => [e.name, codes(e)])).toEqual(want);
    const head = parseHeaderOnly(bytes);
    const index = openDataIndex(head.envelope, masterKey, head.data);
    expect(index.entries.map((e) => [e.name, codes(index.entry(e.at))])).toEqual(want);
  });
});
