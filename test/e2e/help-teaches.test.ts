// Help that teaches: a mistyped command or option gets the nearest one as a hint, and help has
// no colour off a terminal (tty/help-colour.test.ts checks it on one).
import { describe, expect, it } from "vitest";
import { otpHome } from "../helpers/otp-home.js";
import { expectOk, otp } from "../helpers/e2e-util.js";

describe("help that teaches", () => {
  it("an unknown command suggests the nearest one (exit 2, nothing on stdout)", async () => {
    await using h = await otpHome();
    const r = otp(h, ["cod", "github"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("otp: error: unknown command 'cod'\notp: hint: did you mean `otp code`?\n");
    expect(otp(h, ["wach"]).stderr).toMatch(/did you mean `otp watch`\?/);
    expect(otp(h, ["completoin"]).stderr).toMatch(/did you mean `otp completion`\?/);
    expect(otp(h, ["zzzzzz"]).stderr).toBe("otp: error: unknown command 'zzzzzz'\notp: hint: `otp --help` lists the commands\n");
  });

  it("an unknown option suggests the nearest one", async () => {
    await using h = await otpHome();
    const r = otp(h, ["code", "github", "--cpy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("otp: error: unknown option '--cpy'\notp: hint: did you mean --copy?\n");
  });

  it("help off a terminal has no escape sequences, even without NO_COLOR", async () => {
    await using h = await otpHome();
    for (const args of [["--help"], ["code", "--help"], ["watch", "--help"]]) {
      const out = expectOk(otp(h, args, { env: { NO_COLOR: undefined } }));
      expect(out).not.toContain("\x1b");
      expect(out).toContain("Examples:");
    }
  });
});
