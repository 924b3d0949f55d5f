// The Aegis export follows Aegis' docs/vault.md: checked here by decrypting it step by step as
// that document says (node:crypto only, not otp's reader), and by reading it back with otp's.
import { createDecipheriv, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aegisCodec } from "../../../../src/core/codecs/aegis.js";
import { encodeAegis } from "../../../../src/core/codecs/aegis-write.js";
import type { Entry } from "../../../../src/core/entry.js";
import { AuthError } from "../../../../src/core/errors.js";

const T = "2026-01-01T00:00:00.000Z";
const base = { tags: [], notes: "", recoveryCodes: [], createdAt: T, updatedAt: T };
const ENTRIES: Entry[] = [
  {
    id: "1",
    name: "gh",
    issuer: "GitHub",
    account: "me",
    type: "totp",
    secret: "JBSWY3DPEHPK3PXP",
    algorithm: "SHA256",
    digits: 8,
    period: 60,
    ...base,
    tags: ["work"],
    notes: "note",
  },
  {
    id: "2",
    name: "bank",
    issuer: "Bank",
    account: "acct",
    type: "hotp",
    secret: "GEZDGNBVGY3TQOJQ",
    algorithm: "SHA1",
    digits: 6,
    counter: 7,
    ...base,
    tags: ["work", "money"],
  },
  {
    id: "3",
    name: "steam",
    issuer: "Steam",
    account: "gamer",
    type: "steam",
    secret: "JRZCL47CMXVOQMNPZR2F7J4RGI",
    algorithm: "SHA1",
    digits: 5,
    period: 30,
    ...base,
  },
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function gcm(key: Buffer, nonceHex: string, tagHex: string, data: Buffer): Buffer {
  const d = createDecipheriv("aes-256-gcm", key, Buffer.from(nonceHex, "hex"));
  d.setAuthTag(Buffer.from(tagHex, "hex"));
  return Buffer.concat([d.update(data), d.final()]);
}

describe("encodeAegis", () => {
  it("encrypted: one password slot, scrypt N=2^15 r=8 p=1 over a 32-byte salt, AES-256-GCM twice, content version 3", () => {
    const file = JSON.parse(new TextDecoder().decode(encodeAegis(ENTRIES, "pässword")));
    expect(file.version).toBe(1);
    const [slot] = file.header.slots;
    expect(file.header.slots).toHaveLength(1);
    expect(slot).toMatchObject({ type: 1, n: 32768, r: 8, p: 1 });
    expect(slot.uuid).toMatch(UUID);
    expect(slot.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(slot.key).toMatch(/^[0-9a-f]{64}$/);
    expect(slot.key_params.nonce).toMatch(/^[0-9a-f]{24}$/);
    expect(slot.key_params.tag).toMatch(/^[0-9a-f]{32}$/);
    const kek = scryptSync(Buffer.from("pässword", "utf8"), Buffer.from(slot.salt, "hex"), 32, {
      N: slot.n,
      r: slot.r,
      p: slot.p,
      maxmem: 64 * 1024 * 1024,
    });
    const master = gcm(kek, slot.key_params.nonce, slot.key_params.tag, Buffer.from(slot.key, "hex"));
    expect(master).toHaveLength(32);
    const content = JSON.parse(
      gcm(master, file.header.params.nonce, file.header.params.tag, Buffer.from(file.db, "base64")).toString("utf8"),
    );
    expect(content.version).toBe(3);
    expect(content.groups.map((g: { name: string }) => g.name).sort()).toEqual(["money", "work"]);
    const work = content.groups.find((g: { name: string }) => g.name === "work").uuid;
    expect(content.entries[0]).toMatchObject({
      type: "totp",
      name: "me",
      issuer: "GitHub",
      note: "note",
      favorite: false,
      icon: null,
      info: { secret: "JBSWY3DPEHPK3PXP", algo: "SHA256", digits: 8, period: 60 },
      groups: [work],
    });
    expect(content.entries[1].info).toEqual({ secret: "GEZDGNBVGY3TQOJQ", algo: "SHA1", digits: 6, counter: 7 });
    expect(content.entries[2]).toMatchObject({ type: "steam", info: { algo: "SHA1", digits: 5, period: 30 } });
    for (const e of content.entries) expect(e.uuid).toMatch(UUID);
  });

  it("no secret in the encrypted file; fresh salt and nonces each time", () => {
    const a = new TextDecoder().decode(encodeAegis(ENTRIES, "pw"));
    const b = new TextDecoder().decode(encodeAegis(ENTRIES, "pw"));
    for (const e of ENTRIES) expect(a).not.toContain(e.secret);
    expect(JSON.parse(a).header.slots[0].salt).not.toBe(JSON.parse(b).header.slots[0].salt);
    expect(JSON.parse(a).header.params.nonce).not.toBe(JSON.parse(b).header.params.nonce);
  });

  it("plain: slots and params null, db the content object", () => {
    const file = JSON.parse(new TextDecoder().decode(encodeAegis(ENTRIES)));
    expect(file.header).toEqual({ slots: null, params: null });
    expect(file.db.version).toBe(3);
    expect(file.db.entries).toHaveLength(3);
  });

  it("reads back through otp's Aegis codec, tags and notes included; a wrong password is AuthError", async () => {
    const src = { name: "x", bytes: encodeAegis(ENTRIES, "pw") };
    const ok = await aegisCodec.decode(src, { password: async () => "pw" });
    expect(ok.entries.map((e) => [e.draft.secret, e.draft.type, e.draft.tags ?? [], e.draft.notes ?? ""])).toEqual(
      ENTRIES.map((e) => [e.secret, e.type, e.tags, e.notes]),
    );
    await expect(
      aegisCodec.decode(src, {
        password: async (_w, retry) => {
          if (retry) throw new AuthError("wrong-password", "wrong");
          return "nope";
        },
      }),
    ).rejects.toThrow(AuthError);
  });
});
