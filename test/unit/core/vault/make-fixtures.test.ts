// Makes the committed fixture vaults in test/fixtures/vaults/ — ONCE. Skipped unless
// MAKE_FIXTURES=1, and even then it never overwrites a file that exists (open flag "wx"), so
// `npm test` can never regenerate a committed fixture. See test/fixtures/vaults/README.md.
//
//   MAKE_FIXTURES=1 npx vitest run test/unit/core/vault/make-fixtures.test.ts
//
// A fixture's expected codes are computed independently (oathtool, node:crypto) and written
// literally in fixtures.test.ts; nothing here computes codes.
import { existsSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { EntryDraft } from "../../../../src/core/entry.js";
import { parseEnvelope, serializeEnvelope } from "../../../../src/core/vault/format.js";
import { addEntry, emptyData } from "../../../../src/core/vault/model.js";
import { createVault, newId, sealData } from "../../../../src/core/vault/vault.js";

const DIR = new URL("../../../fixtures/vaults/", import.meta.url);
const CREATED = "2026-01-01T00:00:00.000Z";
const CHEAP_KDF = { ops: 1, mem: 8192 };

export const MAIN_ENTRIES: EntryDraft[] = [
  {
    name: "GitHub",
    issuer: "GitHub",
    account: "alice@example.com",
    type: "totp",
    secret: "JBSWY3DPEHPK3PXP",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
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
    tags: ["work"],
  },
  {
    name: "Legacy VPN",
    issuer: "VPN",
    account: "alice",
    type: "hotp",
    secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    algorithm: "SHA1",
    digits: 6,
    counter: 5,
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
    notes: "Ausweis Nr. 1234 — ñ",
  },
];
export const NFC_ENTRIES: EntryDraft[] = [
  {
    name: "Umlaut",
    issuer: "Österreich",
    account: "jörg@example.at",
    type: "totp",
    secret: "JBSWY3DPEHPK3PXP",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
  },
];
export const MINOR1_ENTRIES: EntryDraft[] = [
  {
    name: "Future",
    issuer: "Future",
    account: "f@example.com",
    type: "totp",
    secret: "GEZDGNBVGY3TQOJQ",
    algorithm: "SHA512",
    digits: 7,
    period: 45,
  },
];

export const MINOR2_ENTRIES: EntryDraft[] = [MAIN_ENTRIES[0]!, MAIN_ENTRIES[2]!];
/** The recovery key of vault-v1-minor2.otp (a fixture's: public on purpose). */
export const MINOR2_RECOVERY_KEY_BYTES = "00112233445566778899aabbccddeeff1230";

function data(drafts: EntryDraft[]) {
  let d = emptyData(CREATED);
  for (const e of drafts) d = addEntry(d, e, newId(), CREATED).data;
  return d;
}

function writeOnce(name: string, bytes: Uint8Array): void {
  const url = new URL(name, DIR);
  if (existsSync(url)) {
    console.warn(`${name} exists: fixtures are never regenerated; left as it is`);
    return;
  }
  writeFileSync(url, bytes, { flag: "wx", mode: 0o644 });
  console.log(`wrote ${name} (${bytes.length} bytes)`);
}

describe.skipIf(process.env.MAKE_FIXTURES !== "1")("make the fixture vaults (MAKE_FIXTURES=1 only)", () => {
  it("vault-v1.otp, vault-v1-paesswoerd.otp, vault-v1-minor1.otp", async () => {
    writeOnce("vault-v1.otp", (await createVault("test", data(MAIN_ENTRIES), CHEAP_KDF)).bytes);

    const nfc = "p\u00e4ssw\u00f6rd";
    expect(nfc.normalize("NFC")).toBe(nfc);
    writeOnce("vault-v1-paesswoerd.otp", (await createVault(nfc, data(NFC_ENTRIES), CHEAP_KDF)).bytes);

    const m = await createVault("test", data(MINOR1_ENTRIES), CHEAP_KDF);
    const env = parseEnvelope(m.bytes).envelope;
    writeOnce(
      "vault-v1-minor1.otp",
      serializeEnvelope(sealData({ ...env, minor: 1, ext: { future: 1 } }, m.masterKey, data(MINOR1_ENTRIES))),
    );
  });
});

describe.skipIf(process.env.MAKE_FIXTURES !== "1")("make the minor-2 fixture vault (MAKE_FIXTURES=1 only)", () => {
  it("vault-v1-minor2.otp: key generation 2 after a password change, a recovery-box slot, one prior key", async () => {
    const { rotateKeys } = await import("../../../../src/core/vault/rotate.js");
    const { makeRecoverySlot, withRecoverySlot } = await import("../../../../src/core/vault/recovery-key.js");
    const { sealAndVerify, stretchPassword } = await import("../../../../src/core/vault/vault.js");
    const rk = new Uint8Array(Buffer.from(MINOR2_RECOVERY_KEY_BYTES, "hex"));
    const first = await createVault("first password", data(MINOR2_ENTRIES), CHEAP_KDF);
    const env1 = withRecoverySlot(first.envelope, await makeRecoverySlot(first.envelope.vaultId, first.masterKey, rk, 1));
    const r = await rotateKeys(env1, first.masterKey, data(MINOR2_ENTRIES), await stretchPassword("test", CHEAP_KDF), { keep: "all" });
    writeOnce("vault-v1-minor2.otp", sealAndVerify(r.envelope, r.masterKey, r.data));
  });
});

describe.skipIf(process.env.MAKE_FIXTURES !== "1")("make the minor-3 fixture vault (MAKE_FIXTURES=1 only)", () => {
  it("vault-v1-minor3.otp: the five entries of vault-v1.otp in a segmented payload", async () => {
    writeOnce("vault-v1-minor3.otp", (await createVault("test", data(MAIN_ENTRIES), CHEAP_KDF)).bytes);
  });
});
