// `otp code QUERY` off a terminal, run in-process (test/helpers/cli-run.ts): the code alone and a newline, equal to codes computed here
// (RFC 6238 Appendix B vectors; node:crypto HMAC), `--at` in both spellings, `--json`, Steam,
// HOTP counters, and query matching (docs/cli-contract.md "Query matching").
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp } from "../helpers/otp-home.js";
import { STEAM_CHARS, b32encode, expectFailure, expectOk, hotpRef, newSecret, steamRef, totpRef, totpWindow } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const ascii = (s: string) => b32encode(Buffer.from(s, "ascii"));
// RFC 6238 Appendix B keys.
const K1 = ascii("12345678901234567890");
const K256 = ascii("12345678901234567890123456789012");
const K512 = ascii("1234567890123456789012345678901234567890123456789012345678901234");

describe("otp code", () => {
  it("off a terminal: exactly the code and a newline, the right one", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s, { issuer: "GitHub" })]);
    const before = Date.now();
    const r = await otp(h, ["code", "github"]);
    const out = expectOk(r);
    expect(out).toMatch(/^\d{6}\n$/);
    expect(totpWindow(before, Date.now(), (t) => totpRef(s, t)).map((c) => c + "\n")).toContain(out);
    expect(r.stderr).toBe("");
  });

  it("--at 2026-01-01T00:00:00Z and --at 1767225600 give the same exact code", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const at = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(at / 1000).toBe(1767225600);
    const want = totpRef(s, at) + "\n";
    expect(expectOk(await otp(h, ["code", "github", "--at", "2026-01-01T00:00:00Z"]))).toBe(want);
    expect(expectOk(await otp(h, ["code", "github", "--at", "1767225600"]))).toBe(want);
    expect(expectOk(await otp(h, ["code", "github", "--at", "2026-01-01T01:00:00+01:00"]))).toBe(want);
    // One period earlier is another code (so --at is really used).
    expect(expectOk(await otp(h, ["code", "github", "--at", "1767225599"]))).toBe(totpRef(s, at - 1000) + "\n");
  });

  it("RFC 6238 Appendix B: SHA1, SHA256, SHA512 at fixed times, 8 digits", async () => {
    await using h = await otpHome([
      totp("sha1", K1, { digits: 8 }),
      totp("sha256", K256, { digits: 8, algorithm: "SHA256" }),
      totp("sha512", K512, { digits: 8, algorithm: "SHA512" }),
    ]);
    const table: [string, string, string][] = [
      ["59", "sha1", "94287082"],
      ["59", "sha256", "46119246"],
      ["59", "sha512", "90693936"],
      ["1111111109", "sha1", "07081804"],
      ["1111111109", "sha256", "68084774"],
      ["1111111109", "sha512", "25091201"],
      ["1234567890", "sha1", "89005924"],
      ["2000000000", "sha256", "90698825"],
      ["20000000000", "sha512", "47863826"],
    ];
    for (const [t, name, want] of table) {
      expect(expectOk(await otp(h, ["code", name, "--at", t])), `${name} at ${t}`).toBe(want + "\n");
      expect(totpRef(name === "sha1" ? K1 : name === "sha256" ? K256 : K512, Number(t) * 1000, { alg: name as "sha1", digits: 8 })).toBe(
        want,
      );
    }
  });

  it("--json: name, issuer, account, type, code, period, remaining", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("gh", s, { issuer: "GitHub", account: "octo@example.com", period: 30 })]);
    const at = 1767225600 + 7;
    const j = JSON.parse(expectOk(await otp(h, ["code", "gh", "--json", "--at", String(at)])));
    expect(j).toEqual({
      name: "gh",
      issuer: "GitHub",
      account: "octo@example.com",
      type: "totp",
      code: totpRef(s, at * 1000),
      period: 30,
      remaining: 23,
    });
    const now = JSON.parse(expectOk(await otp(h, ["code", "gh", "--json"])));
    expect(now.remaining).toBeGreaterThanOrEqual(1);
    expect(now.remaining).toBeLessThanOrEqual(30);
    expect(JSON.stringify(now)).not.toContain(s);
  });

  it("Steam: 5 characters from 23456789BCDFGHJKMNPQRTVWXY, the right ones", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("steam", s, { type: "steam", digits: 5 })]);
    for (const t of ["1767225600", "59", "2000000000"]) {
      const out = expectOk(await otp(h, ["code", "steam", "--at", t]));
      expect(out).toMatch(new RegExp(`^[${STEAM_CHARS}]{5}\\n$`));
      expect(out).toBe(steamRef(s, Number(t) * 1000) + "\n");
    }
  });

  it("HOTP: RFC 4226 codes in order, the counter saved each time; --at refused", async () => {
    await using h = await otpHome([hotp("hotp", K1, 0)]);
    const rfc = ["755224", "287082", "359152", "969429", "338314"];
    for (const want of rfc) expect(expectOk(await otp(h, ["code", "hotp"]))).toBe(want + "\n");
    const j = JSON.parse(expectOk(await otp(h, ["code", "hotp", "--json"])));
    expect(j).toMatchObject({ type: "hotp", code: "254676", counter: 5 });
    expect(JSON.parse(expectOk(await otp(h, ["show", "hotp", "--json"]))).counter).toBe(6);
    expectFailure(await otp(h, ["code", "hotp", "--at", "59"]), 2, "--at", [K1]);
    expect(JSON.parse(expectOk(await otp(h, ["show", "hotp", "--json"]))).counter).toBe(6);
    expect(hotpRef(K1, 6)).toBe("287922");
  });

  it("bad --at values: exit 2", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("gh", s)]);
    for (const at of ["yesterday", "2026-02-30", "2026-01-01T24:00:00Z", "-5"])
      expectFailure(await otp(h, ["code", "gh", "--at", at]), 2, "--at", [s]);
  });

  it("query matching: exact name wins, then a unique issuer, a substring, a subsequence; case-insensitive", async () => {
    const [a, b, c] = [newSecret(), newSecret(), newSecret()];
    await using h = await otpHome([
      totp("git", a, { issuer: "Gitea", account: "me" }),
      totp("github", b, { issuer: "GitHub", account: "octo@example.com" }),
      totp("work-mail", c, { issuer: "Fastmail", account: "boss@corp.example" }),
    ]);
    const at = ["--at", "1767225600"];
    const code = async (q: string) => expectOk(await otp(h, ["code", q, ...at])).trim();
    const t = 1767225600_000;
    expect(await code("git")).toBe(totpRef(a, t)); // exact name, though "github" contains it
    expect(await code("GIT")).toBe(totpRef(a, t));
    expect(await code("fastmail")).toBe(totpRef(c, t)); // exact issuer
    expect(await code("corp.example")).toBe(totpRef(c, t)); // substring of issuer:account
    expect(await code("wml")).toBe(totpRef(c, t)); // subsequence of the name
    expect(await code("octo")).toBe(totpRef(b, t));
    const r = await otp(h, ["code", "gi", ...at]);
    expectFailure(r, 3, "matches 2 entries", [a, b, c]);
    expect(r.stderr).toContain("  git\n");
    expect(r.stderr).toContain("  github\n");
  });
});
