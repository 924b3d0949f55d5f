// What ships: the product bundle (dist/otp.cjs, the one package.json's bin runs) holds none of
// the test hooks, which live only in the test bundle (scripts/build.mjs --test); and a run that
// asks for a hook without the test bundle gets nothing (the product ignores OTP_TEST_*).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OTP_TEST_BIN, ROOT, otpHome, totp } from "../helpers/otp-home.js";
import { expectOk, newSecret, sha256 } from "../helpers/e2e-util.js";
import { spawnSync } from "node:child_process";

describe("the test hooks stay out of the product", () => {
  it("dist/otp.cjs has no OTP_TEST_ name and no crash point; the test bundle has them", () => {
    const product = readFileSync(join(ROOT, "dist", "otp.cjs"), "utf8");
    expect(product).not.toMatch(/OTP_TEST_/);
    expect(product).not.toMatch(/after-snapshot|mid-write|OTP_TEST/);
    expect(readFileSync(OTP_TEST_BIN, "utf8")).toMatch(/OTP_TEST_CRASH_AT/);
  });

  it("the product run with OTP_TEST_CRASH_AT set writes as usual", async () => {
    await using h = await otpHome([totp("a", newSecret())]);
    const before = sha256(h.vault);
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "otp.cjs"), "add", "b", "--stdin"], { env: h.env({ OTP_TEST_CRASH_AT: "after-snapshot" }), input: newSecret() + "\n", encoding: "utf8" });
    expectOk({ code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr });
    expect(sha256(h.vault)).not.toBe(before);
  });
});
