// Per-entry tolerance: an entry an app wrote that otp cannot hold (mOTP, Yandex, a bad
// secret, an unknown type) becomes a problem with where it is and why, and the others import.
import { describe, expect, it } from "vitest";
import { pickCodec } from "../../../../src/core/codecs/index.js";

const src = (v: unknown) => ({ name: "f", bytes: new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v)) });
const helpers = {
  password: async () => {
    throw new Error("no password expected");
  },
};
const S = "JBSWY3DPEHPK3PXP";

async function decode(v: unknown) {
  const s = src(v);
  const c = await pickCodec(s, "auto");
  return { codec: c.name, ...(await c.decode(s, helpers)) };
}

describe("one bad entry does not stop the rest", () => {
  it("Aegis: motp and a bad secret are problems; the totp entry imports", async () => {
    const d = await decode({
      version: 1,
      header: { slots: null, params: null },
      db: {
        version: 3,
        groups: [],
        entries: [
          { type: "motp", name: "a", issuer: "M", info: { secret: S, algo: "MD5", digits: 6, period: 10 } },
          { type: "totp", name: "b", issuer: "Bad", info: { secret: "not base32!", algo: "SHA1", digits: 6, period: 30 } },
          { type: "totp", name: "c", issuer: "Good", info: { secret: S, algo: "SHA1", digits: 6, period: 30 } },
        ],
      },
    });
    expect(d.codec).toBe("aegis");
    expect(d.entries.map((e) => e.draft.issuer)).toEqual(["Good"]);
    expect(d.problems).toEqual([
      { where: "entry 1 (M)", reason: expect.stringMatching(/motp.*not supported/) },
      { where: "entry 2 (Bad)", reason: expect.stringMatching(/not base32/) },
    ]);
    expect(JSON.stringify(d.problems)).not.toContain(S);
  });

  it("Stratum: mOTP and Yandex are named; an unknown algorithm too", async () => {
    const a = (Type: number, Algorithm = 0) => ({
      Type,
      Issuer: `T${Type}`,
      Username: "u",
      Secret: S,
      Algorithm,
      Digits: 6,
      Period: 30,
      Counter: 0,
    });
    const d = await decode({ Authenticators: [a(3), a(5), a(2, 9), a(2)], Categories: [] });
    expect(d.codec).toBe("stratum");
    expect(d.entries).toHaveLength(1);
    expect(d.problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/mOTP/),
      expect.stringMatching(/Yandex/),
      expect.stringMatching(/algorithm/),
    ]);
  });

  it("2FAS: an unknown token type; andOTP: an unknown type; both keep the rest", async () => {
    const t = await decode({
      schemaVersion: 4,
      services: [
        { name: "x", secret: S, otp: { tokenType: "YAOTP" } },
        { name: "y", secret: S, otp: { tokenType: "TOTP" } },
      ],
    });
    expect([t.codec, t.entries.length, t.problems.length]).toEqual(["2fas", 1, 1]);
    const a = await decode([
      { secret: S, label: "l", issuer: "i", type: "MOTP", digits: 6 },
      { secret: S, label: "l", issuer: "i", type: "TOTP", digits: 6, period: 30, algorithm: "SHA1" },
    ]);
    expect([a.codec, a.entries.length, a.problems.length]).toEqual(["andotp", 1, 1]);
  });

  it("Bitwarden CSV: logins without TOTP are passed over (and counted), a bad TOTP field is a problem", async () => {
    const csv = `folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n,,login,Plain,,,,,,\n,,login,"Bad, item",,,,,,https://nope\n,,login,Bare,,,,me,,${S}\n`;
    const d = await decode(csv);
    expect(d.codec).toBe("bitwarden");
    expect(d.entries.map((e) => [e.draft.issuer, e.draft.account, e.draft.type])).toEqual([["Bare", "me", "totp"]]);
    expect(d.problems).toEqual([{ where: "item 1 (Bad, item)", reason: expect.stringMatching(/not an otpauth/) }]);
    expect(d.notes).toEqual(["1 item has no TOTP and was passed over"]);
  });

  it("an encrypted Bitwarden export is refused with the way out", async () => {
    await expect(decode({ encrypted: true, passwordProtected: true, data: "2.x|y|z" })).rejects.toThrow(/encrypted.*cannot read/);
  });

  it("JSON that does not parse is called out as possibly truncated", async () => {
    await expect(pickCodec(src('{"version": 1, "header": {'), "auto")).rejects.toThrow(/does not parse.*truncated/);
  });
});
