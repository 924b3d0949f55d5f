// Exit 2 (usage or invalid input), case by case, in process (test/helpers/cli-run.ts): bad
// option values, malformed secrets and otpauth URIs, a name that looks like a seed, and each
// stays an input error before any unlock or write, leaving the vault as it was. The built
// CLI's exit 2 (commander's own errors through the binary): test/e2e/exit-codes.test.ts.
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, newSecret, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const S1 = newSecret();
const S2 = newSecret();
const S3 = newSecret();
const SECRETS = [S1, S2, S3];
const entries = () => [totp("github", S1), totp("gitlab", S2), hotp("bank", S3, 7)];

describe("exit 2: usage or invalid input", () => {
  it("bad option values and a missing argument of a command", async () => {
    await using h = await otpHome(entries());
    const sum = sha256(h.vault);
    expectFailure(await otp(h, ["add", "x", "--stdin", "--digits", "six"], { input: newSecret() }), 2, "--digits");
    expectFailure(await otp(h, ["add", "x", "--stdin", "--type", "motp"], { input: newSecret() }), 2, "--type");
    expectFailure(await otp(h, ["code"]), 2, "missing required argument");
    expect(sha256(h.vault)).toBe(sum);
  });

  it("malformed secrets", async () => {
    await using h = await otpHome(entries());
    const sum = sha256(h.vault);
    for (const bad of ["0189ABCDEFGHJKLM", "JBSWY3DPEHPK3PX!", "A", "   "]) {
      const r = await otp(h, ["add", "x", "--stdin"], { input: bad });
      expectFailure(r, 2, /secret/, SECRETS);
      expect(r.stderr).not.toContain("0189ABCDEFGHJKLM");
    }
    expect(sha256(h.vault)).toBe(sum);
  });

  it("bad otpauth URIs", async () => {
    await using h = await otpHome(entries());
    const sum = sha256(h.vault);
    const s = newSecret();
    const cases: [string, RegExp][] = [
      [`otpauth://totp/ACME:me?issuer=ACME`, /no secret/],
      [`otpauth://motp/ACME:me?secret=${s}`, /type/],
      [`otpauth://totp/ACME:me?secret=${s}&digits=5`, /digits/],
      [`otpauth://totp/ACME:me?secret=${s}&algorithm=MD5`, /algorithm/],
      [`otpauth://totp/ACME:me?secret=${s}&period=0`, /period/],
      [`otpauth://hotp/ACME:me?secret=${s}&counter=9007199254740992`, /counter/],
      [`http://example.com/?secret=${s}`, /otpauth/],
    ];
    for (const [uri, phrase] of cases) expectFailure(await otp(h, ["add", "--uri", uri]), 2, phrase, [...SECRETS, s]);
    for (const [uri, phrase] of cases.slice(0, 6))
      expectFailure(await otp(h, ["add", "--stdin"], { input: uri }), 2, phrase, [...SECRETS, s]);
    expect(sha256(h.vault)).toBe(sum);
  });

  it("`otp add NAME` where NAME looks like a seed or an otpauth URI: exit 2 before any unlock or write", async () => {
    await using h = await otpHome(entries());
    const sum = sha256(h.vault);
    const s = newSecret();
    // A wrong password proves the refusal comes before the vault is even opened.
    for (const name of [
      s,
      `${s}====`,
      s.replace(/(.{4})(?=.)/g, "$1-"),
      `otpauth://totp/X:me?secret=${s}`,
      `OTPAUTH://hotp/X?secret=${s}`,
    ]) {
      const r = await otp(h, ["add", name, "--stdin"], { input: newSecret(), env: { OTP_PASSWORD: "wrong" } });
      expectFailure(r, 2, "looks like a secret", [...SECRETS, s]);
      expect(r.stderr).toMatch(/--stdin/);
    }
    expect(sha256(h.vault)).toBe(sum);
  });

  // Google shows "Can't scan it?" keys in lower case, in groups of four: people paste that too.
  it("`otp add NAME` where NAME is a seed in lower case, grouped by spaces: exit 2", async () => {
    await using h = await otpHome(entries());
    const sum = sha256(h.vault);
    const s = "jbsw y3dp ehpk 3pxp kr2x g5ct";
    const r = await otp(h, ["add", s, "--stdin"], { input: newSecret() });
    expectFailure(r, 2, "looks like a secret", [...SECRETS, s]);
    expect(sha256(h.vault)).toBe(sum);
    expectOk(await otp(h, ["list"]));
  });

  it("`--for garbage`, 0, and over 24 h", async () => {
    await using h = await otpHome(entries());
    for (const d of ["garbage", "0s", "25h", "-5m"]) expectFailure(await otp(h, ["unlock", "--for", d]), 2, "--for");
  });

  it("`remove` without --yes off a terminal", async () => {
    await using h = await otpHome(entries());
    const sum = sha256(h.vault);
    const r = await otp(h, ["remove", "github"]);
    expectFailure(r, 2, "--yes", SECRETS);
    expect(sha256(h.vault)).toBe(sum);
    expectOk(await otp(h, ["code", "github"]));
  });

  it("two sources for one secret", async () => {
    await using h = await otpHome(entries());
    const s = newSecret();
    expectFailure(await otp(h, ["add", "x", "--secret", s, "--stdin"], { input: newSecret() }), 2, "one way", [...SECRETS]);
  });
});
