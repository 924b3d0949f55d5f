// The strength rule for new passwords (cli/password-strength.ts): zxcvbn-ts's score, weak under 3,
// with a reason in otp's words that never quotes the password.
import { describe, expect, it } from "vitest";
import { MIN_SCORE, passwordStrength } from "../../../src/cli/password-strength.js";

describe("passwordStrength", () => {
  it.each([
    ["password1", /most used|commonly used/],
    ["test", /most used|commonly used/],
    ["letmein123", /close to a commonly used/],
    ["qwertyuiop", /keyboard|row of keys|most used|commonly used/],
    ["aaaaaaaaaaaa", /repeats/],
    ["basketball", /single word|commonly used/],
    ["otpvault", null],
    ["Summer2024!", null],
  ])("%j is weak", async (password, reason) => {
    const s = await passwordStrength(password);
    expect(s.score).toBeLessThan(MIN_SCORE);
    if (reason) expect(s.reason).toMatch(reason);
    expect(s.reason ?? "").not.toContain(password);
  });

  it.each(["Quokka-Zebra-4711", "correct horse battery staple", "x7#Kq!pL9v$w", "thequickbrownfox jumps"])(
    "%j is strong enough",
    async (password) => {
      expect((await passwordStrength(password)).score).toBeGreaterThanOrEqual(MIN_SCORE);
    },
  );

  it("counts the user's login as a word a guesser tries first", async () => {
    expect((await passwordStrength("zanzibarette7", ["zanzibarette"])).score).toBeLessThan((await passwordStrength("zanzibarette7")).score);
  });
});
