// A session's end, on a clock the test holds (test/helpers/cli-run.ts): no waiting for it to pass.
// The real-time side (a wall clock set back cannot stretch a session) is test/e2e/session.test.ts.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, newSecret, totpRef } from "../helpers/e2e-util.js";
import { FIXED_NOW, otpIn as otp } from "../helpers/cli-run.js";

describe("an expired session", () => {
  it("`--for 1s`: works within the second; 1.3 s later exit 4 `expired`, and its file is removed", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const out = expectOk(await otp(h, ["unlock", "--for", "1s"], { now: FIXED_NOW }));
    const value = out.trim().replace(/^export OTP_SESSION=/, "");
    const at = (ms: number) => ({ now: FIXED_NOW + ms, password: false, env: { OTP_SESSION: value } });
    expect(expectOk(await otp(h, ["code", "github"], at(900)))).toBe(totpRef(s, FIXED_NOW + 900) + "\n");
    expectFailure(await otp(h, ["code", "github"], at(1_300)), 4, "expired", [s]);
    expect(readdirSync(join(h.home, "run", "otp")).filter((f) => f.endsWith(".session"))).toEqual([]);
  });
});

describe("a session on a damaged file", () => {
  it("a flipped byte in the data or in a slot: exit 5 `damaged`, never a session or password error", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const value = expectOk(await otp(h, ["unlock"]))
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    const whole = readFileSync(h.vault, "latin1");
    for (const member of ['"data":"', '"wrapped":"', '"nonce":"']) {
      const i = whole.lastIndexOf(member) + member.length + 5;
      writeFileSync(h.vault, whole.slice(0, i) + (whole[i] === "A" ? "B" : "A") + whole.slice(i + 1), "latin1");
      for (const env of [{ OTP_SESSION: value }, { OTP_SESSION: value, OTP_PASSWORD: undefined }])
        expectFailure(await otp(h, ["code", "github"], { password: false, env }), 5, "damaged", [s]);
    }
  });
});
