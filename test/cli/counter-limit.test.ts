// In-process (test/helpers/cli-run.ts). The HOTP counter limit: 2^53 − 1 is the largest counter a vault holds, every
// door refuses more with exit 2, and no command moves a counter past it: an entry at the limit
// has no code left (exit 2), while show, export and backup keep working for the whole vault.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, hotpRef, newSecret, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991
const counterOf = async (h: OtpHome, q: string): Promise<number> => JSON.parse(expectOk(await otp(h, ["show", q, "--json"]))).counter;

/** show, export and backup: what the issue saw fail for the whole vault once one counter broke. */
async function wholeVaultWorks(h: OtpHome): Promise<void> {
  expectOk(await otp(h, ["show", "bank", "--json"]));
  expectOk(await otp(h, ["export", "--format", "json", "--plain"]));
  expectOk(await otp(h, ["backup", join(h.home, `b${Date.now()}${Math.random()}.otp`)]));
}

describe("HOTP counter limit", () => {
  it("add --counter 2^53 − 1 is refused (its code would move the counter past the limit); 2^53 − 2 is the last one add takes", async () => {
    await using h = await otpHome([]);
    const s = newSecret();
    expectFailure(
      await otp(h, ["add", "bank", "--stdin", "--type", "hotp", "--counter", String(MAX)], { input: s }),
      2,
      `the HOTP counter ${MAX} is at its maximum`,
      [s],
    );
    expectFailure(
      await otp(h, ["add", "bank", "--stdin", "--type", "hotp", "--counter", String(MAX + 1)], { input: s }),
      2,
      "counter must be a whole number from 0 to 2^53 − 1",
      [s],
    );
    expect((await otp(h, ["list"])).stdout).toBe("");
    const out = expectOk(await otp(h, ["add", "bank", "--stdin", "--type", "hotp", "--counter", String(MAX - 1)], { input: s }));
    expect(out).toBe(`bank: ${hotpRef(s, MAX - 1)}\n`);
    expect(await counterOf(h, "bank")).toBe(MAX);
    await wholeVaultWorks(h);
  });

  it("code at the limit is refused and changes nothing; the vault stays whole", async () => {
    const s = newSecret();
    await using h = await otpHome([hotp("bank", s, MAX - 1)]);
    expect(expectOk(await otp(h, ["code", "bank"]))).toBe(`${hotpRef(s, MAX - 1)}\n`);
    const before = sha256(h.vault);
    expectFailure(await otp(h, ["code", "bank"]), 2, "is at its maximum", [s]);
    expect(sha256(h.vault)).toBe(before);
    await wholeVaultWorks(h);
  });

  it("verify looks ahead only as far as a match can move the counter, and stops at the limit", async () => {
    const s = newSecret();
    await using h = await otpHome([hotp("bank", s, MAX - 5)]);
    // A wrong code near the limit is a plain rejection (exit 1), not an error past the limit.
    const wrong = hotpRef(s, MAX - 5) === "000000" ? "111111" : "000000";
    expectFailure(await otp(h, ["verify", "bank", wrong]), 1, "code rejected");
    expectOk(await otp(h, ["verify", "bank", hotpRef(s, MAX - 1)]));
    expect(await counterOf(h, "bank")).toBe(MAX);
    const before = sha256(h.vault);
    expectFailure(await otp(h, ["verify", "bank", hotpRef(s, MAX)]), 2, "is at its maximum", [s]);
    expect(sha256(h.vault)).toBe(before);
    await wholeVaultWorks(h);
  });

  it("edit and import refuse a counter past the limit and take the limit itself", async () => {
    const s = newSecret();
    await using h = await otpHome([hotp("bank", s, 5)]);
    expectFailure(await otp(h, ["edit", "bank", "--counter", String(MAX + 1)]), 2, "counter must be a whole number from 0 to 2^53 − 1");
    expectOk(await otp(h, ["edit", "bank", "--counter", String(MAX)]));
    expect(await counterOf(h, "bank")).toBe(MAX);
    const t = newSecret();
    expectFailure(await otp(h, ["import", "-"], { input: `otpauth://hotp/x:y?secret=${t}&counter=${MAX + 1}\n` }), 2, "nothing to import", [
      t,
    ]);
    await wholeVaultWorks(h);
  });
});
