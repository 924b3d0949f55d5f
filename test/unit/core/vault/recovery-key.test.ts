// The printed recovery key (core/vault/recovery-key.ts): its shape, the per-group check
// character that catches every single mistyped character and names the group, lenient reading,
// and the recovery slot it opens (docs/testplan.md B.17).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AuthError, InputError, VaultDamagedError } from "../../../../src/core/errors.js";
import { generationOf, parseEnvelope, slotAD, withGeneration } from "../../../../src/core/vault/format.js";
import {
  KEY_BITS,
  formatRecoveryKey,
  generateRecoveryKey,
  makeLegacyRecoverySlot,
  makeRecoverySlot,
  parseRecoveryKey,
  resealRecoverySlot,
  unlockWithRecoveryKey,
  withRecoverySlot,
} from "../../../../src/core/vault/recovery-key.js";
import { openData, sealAndVerify, unlockWithPassword } from "../../../../src/core/vault/vault.js";
import { hex, smallVault, thrownSync } from "./helpers.js";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

describe("the printed form", () => {
  it("is 7 hyphen-joined groups of 5 upper-case letters and digits, carrying at least 128 random bits", () => {
    expect(KEY_BITS).toBeGreaterThanOrEqual(128);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { text, bytes } = generateRecoveryKey();
      expect(text).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){6}$/);
      expect(hex(parseRecoveryKey(text))).toBe(hex(bytes));
      seen.add(text);
    }
    expect(seen.size).toBe(200);
  });

  it("round-trips any 140-bit value", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 18, maxLength: 18 }), (b) => {
        b[17]! &= 0xf0;
        expect(hex(parseRecoveryKey(formatRecoveryKey(b)))).toBe(hex(b));
      }),
    );
  });

  it("reads lower case, spaces for hyphens, no separators at all, and I/L/O as 1/1/0", () => {
    const { text, bytes } = generateRecoveryKey();
    const want = hex(bytes);
    expect(hex(parseRecoveryKey(text.toLowerCase()))).toBe(want);
    expect(hex(parseRecoveryKey(text.replace(/-/g, " ")))).toBe(want);
    expect(hex(parseRecoveryKey(`  ${text.replace(/-/g, "")}\n`))).toBe(want);
    const withLookalikes = text.replace(/1/g, "l").replace(/0/g, "O");
    expect(hex(parseRecoveryKey(withLookalikes))).toBe(want);
  });
});

describe("typos are caught by the check characters, naming the group", () => {
  it("every single-character substitution, in every position, for several keys", () => {
    for (let k = 0; k < 5; k++) {
      const { text } = generateRecoveryKey();
      for (let pos = 0; pos < text.length; pos++) {
        if (text[pos] === "-") continue;
        const group = Math.floor(pos / 6) + 1;
        for (const c of ALPHABET) {
          if (c === text[pos]) continue;
          const typo = text.slice(0, pos) + c + text.slice(pos + 1);
          const err = thrownSync(() => parseRecoveryKey(typo)) as InputError;
          expect(err).toBeInstanceOf(InputError);
          expect(err.kind).toBe("malformed-recovery-key");
          expect(err.message).toBe(`that is not a valid recovery key: group ${group} has a typo (its check character does not match)`);
          // the message never quotes what was typed
          expect(err.message + err.hints.join(" ")).not.toContain(typo.slice(group * 6 - 6, group * 6 - 1));
        }
      }
    }
  });

  it("two groups swapped, and most swaps of neighbouring characters", () => {
    let swapsCaught = 0;
    let swaps = 0;
    for (let k = 0; k < 20; k++) {
      const { text } = generateRecoveryKey();
      const g = text.split("-");
      if (g[0] !== g[1]) expect(() => parseRecoveryKey([g[1], g[0], ...g.slice(2)].join("-"))).toThrow(/group 1 has a typo/);
      for (let pos = 0; pos + 1 < text.length; pos++) {
        if (text[pos] === "-" || text[pos + 1] === "-" || text[pos] === text[pos + 1]) continue;
        swaps++;
        const typo = text.slice(0, pos) + text[pos + 1] + text[pos] + text.slice(pos + 2);
        try {
          parseRecoveryKey(typo);
        } catch {
          swapsCaught++;
        }
      }
    }
    expect(swapsCaught / swaps).toBeGreaterThan(0.95);
  });

  it("a missing or extra group or character, and characters recovery keys never use", () => {
    const { text } = generateRecoveryKey();
    const g = text.split("-");
    expect(() => parseRecoveryKey(g.slice(0, 6).join("-"))).toThrow("it has 6 groups, not 7");
    expect(() => parseRecoveryKey([...g, "AAAAA"].join("-"))).toThrow("it has 8 groups, not 7");
    expect(() => parseRecoveryKey([g[0], g[1]!.slice(1), ...g.slice(2)].join("-"))).toThrow("group 2 has 4 characters, not 5");
    expect(() => parseRecoveryKey(text.replace(/-/g, "").slice(1))).toThrow("it has 34 characters, not 35");
    expect(() => parseRecoveryKey(["U" + g[0]!.slice(1), ...g.slice(1)].join("-"))).toThrow(
      "group 1 has a character recovery keys never use",
    );
    expect(() => parseRecoveryKey("   ")).toThrow("it is empty");
  });
});

describe("the recovery slot", () => {
  it("opens the vault beside the password; a wrong key is AuthError; a vault without one says so", async () => {
    const v = await smallVault("pw");
    const key = generateRecoveryKey();
    const env = withRecoverySlot(v.envelope, await makeRecoverySlot(v.envelope.vaultId, v.masterKey, key.bytes, generationOf(v.envelope)));
    const bytes = sealAndVerify(env, v.masterKey, v.data);
    const back = parseEnvelope(bytes).envelope;
    expect(back.slots.map((s) => s.kind)).toEqual(["password", "recovery-box"]);
    const mk = await unlockWithRecoveryKey(back, parseRecoveryKey(key.text));
    expect(hex(mk)).toBe(hex(v.masterKey));
    expect(openData(back, mk).entries[0]!.name).toBe("GitHub");
    expect(hex(await unlockWithPassword(back, "pw"))).toBe(hex(v.masterKey));

    const other = generateRecoveryKey();
    const err = (await unlockWithRecoveryKey(back, other.bytes).catch((e) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.kind).toBe("wrong-recovery-key");
    expect(((await unlockWithRecoveryKey(v.envelope, key.bytes).catch((e) => e)) as AuthError).kind).toBe("no-recovery-key");
  });

  it("a new slot replaces the old one: the old key stops opening, the password still does", async () => {
    const v = await smallVault("pw");
    const k1 = generateRecoveryKey();
    const k2 = generateRecoveryKey();
    const e1 = withRecoverySlot(v.envelope, await makeRecoverySlot(v.envelope.vaultId, v.masterKey, k1.bytes, 1));
    const e2 = parseEnvelope(
      sealAndVerify(withRecoverySlot(e1, await makeRecoverySlot(v.envelope.vaultId, v.masterKey, k2.bytes, 1)), v.masterKey, v.data),
    ).envelope;
    expect(e2.slots.filter((s) => s.kind === "recovery-box")).toHaveLength(1);
    await expect(unlockWithRecoveryKey(e2, k1.bytes)).rejects.toThrow(AuthError);
    expect(hex(await unlockWithRecoveryKey(e2, k2.bytes))).toBe(hex(v.masterKey));
    expect(hex(await unlockWithPassword(e2, "pw"))).toBe(hex(v.masterKey));
  });

  it("is a sealed box to the X25519 key pair the recovery key derives, as format.ts specifies (checked with libsodium)", async () => {
    const { hkdfSync, createHmac } = await import("node:crypto");
    const { default: sodium } = await import("libsodium-wrappers-sumo");
    await sodium.ready;
    const v = await smallVault("pw");
    const key = generateRecoveryKey();
    const slot = await makeRecoverySlot(v.envelope.vaultId, v.masterKey, key.bytes, 7);
    const seed = new Uint8Array(hkdfSync("sha256", key.bytes, slot.salt, "otp-vault/v1/recovery-box/seed", 32));
    const pair = sodium.crypto_box_seed_keypair(seed);
    expect(hex(pair.publicKey)).toBe(hex(slot.pk));
    expect(hex(sodium.crypto_box_seal_open(slot.sealed, slot.pk, pair.privateKey))).toBe(hex(v.masterKey));
    const macKey = new Uint8Array(hkdfSync("sha256", key.bytes, slot.salt, "otp-vault/v1/recovery-box/mac", 32));
    const gen = Buffer.alloc(8);
    gen.writeBigUInt64LE(7n);
    const mac = createHmac("sha256", macKey).update(slotAD(v.envelope.vaultId, slot)).update(gen).update(slot.sealed).digest();
    expect(mac.toString("hex")).toBe(hex(slot.mac));
  });

  it("anyone can seal a key to the public key, but a slot without the right mac does not open: a forged file is refused, not opened", async () => {
    const { default: sodium } = await import("libsodium-wrappers-sumo");
    await sodium.ready;
    const v = await smallVault("pw");
    const key = generateRecoveryKey();
    const slot = await makeRecoverySlot(v.envelope.vaultId, v.masterKey, key.bytes, 1);
    // The attacker knows pk (it is in the header) and seals a key of their own to it.
    const forged = { ...slot, sealed: sodium.crypto_box_seal(new Uint8Array(32).fill(7), slot.pk) };
    const env = withRecoverySlot(v.envelope, forged);
    const err = await unlockWithRecoveryKey(env, key.bytes).catch((e) => e);
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(String(err.message)).toMatch(/recovery slot does not check out/);
  });

  it("re-seals for a new master key and generation without the recovery key, and the key then opens only the new one", async () => {
    const v = await smallVault("pw");
    const key = generateRecoveryKey();
    const slot = await makeRecoverySlot(v.envelope.vaultId, v.masterKey, key.bytes, 1);
    const next = new Uint8Array(32).fill(9);
    const resealed = await resealRecoverySlot(v.envelope.vaultId, slot, v.masterKey, next, 2);
    expect(resealed.id).toBe(slot.id);
    expect(hex(resealed.pk)).toBe(hex(slot.pk));
    const at2 = withGeneration(withRecoverySlot(v.envelope, resealed), 2);
    expect(hex(await unlockWithRecoveryKey(at2, key.bytes))).toBe(hex(next));
    // Moved back into a header of the old generation, the new slot's mac no longer fits.
    await expect(unlockWithRecoveryKey(withGeneration(withRecoverySlot(v.envelope, resealed), 1), key.bytes)).rejects.toThrow(
      VaultDamagedError,
    );
  });

  it('a minor-0 recovery slot (HKDF-SHA256 of the key, "otp-vault/v1/recovery") still opens', async () => {
    const v = await smallVault("pw");
    const key = generateRecoveryKey();
    const legacy = makeLegacyRecoverySlot(v.envelope.vaultId, v.masterKey, key.bytes);
    const env = parseEnvelope(sealAndVerify({ ...v.envelope, slots: [...v.envelope.slots, legacy] }, v.masterKey, v.data)).envelope;
    expect(hex(await unlockWithRecoveryKey(env, key.bytes))).toBe(hex(v.masterKey));
  });
});
