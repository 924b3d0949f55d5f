// Several otp processes on one vault at once (docs/testplan.md E.32, E.33): the lock serialises the
// writes, every write re-reads the vault under the lock, so no acknowledged add is lost and no
// HOTP counter value is used twice.
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp } from "../helpers/otp-home.js";
import { expectOk, hotpRef, names, newSecret, otp, otpAsync, tmpFilesUnder } from "../helpers/e2e-util.js";

describe("parallel writers", () => {
  it("12 parallel `otp add` of distinct secrets all exit 0 and all 12 land", async () => {
    const first = newSecret();
    await using h = await otpHome([totp("first", first)]);
    const secrets = Array.from({ length: 12 }, () => newSecret());
    const results = await Promise.all(secrets.map((s, i) => otpAsync(h, ["add", `p${i}`, "--stdin"], { input: s })));
    results.forEach((r, i) => {
      expect(r.code, `add p${i}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^p${i}: \\d{6}\\n$`));
    });
    const listed = names(expectOk(otp(h, ["list"])));
    expect(listed.sort()).toEqual(["first", ...secrets.map((_, i) => `p${i}`)].sort());
    // Each landed with its own secret.
    const shown = await Promise.all(secrets.map((_, i) => otpAsync(h, ["show", `p${i}`, "--reveal", "--json"])));
    shown.forEach((r, i) => expect(JSON.parse(expectOk(r)).secret).toBe(secrets[i]));
    expect(tmpFilesUnder(dirname(h.vault))).toEqual([]);
  }, 60_000);

  it("8 parallel HOTP `otp code`: 8 different codes, one per counter value c … c+7; the counter ends at c+8", async () => {
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // RFC 4226's key: its codes for 40…47 are distinct
    const c = 40;
    await using h = await otpHome([hotp("token", secret, c), totp("other", newSecret())]);
    const expected = Array.from({ length: 8 }, (_, i) => hotpRef(secret, c + i));
    expect(new Set(expected).size).toBe(8);
    const results = await Promise.all(Array.from({ length: 8 }, () => otpAsync(h, ["code", "token"])));
    const codes = results.map((r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^\d{6}\n$/);
      return r.stdout.trim();
    });
    expect(new Set(codes).size, "no counter value used twice").toBe(8);
    expect([...codes].sort()).toEqual([...expected].sort());
    const shown = JSON.parse(expectOk(otp(h, ["show", "token", "--json"])));
    expect(shown.counter).toBe(c + 8);
    // And the next one continues from there.
    expect(expectOk(otp(h, ["code", "token"]))).toBe(hotpRef(secret, c + 8) + "\n");
  }, 60_000);
});
