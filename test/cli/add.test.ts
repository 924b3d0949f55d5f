// In-process (test/helpers/cli-run.ts). `otp add [NAME]`: every source (--uri, --secret, --stdin secret or URI), base32
// normalisation, every flag, the digit range, duplicate secrets, and the "NAME: CODE" it prints,
// checked against codes computed here (RFC 4226/6238 with node:crypto).
import { describe, expect, it } from "vitest";
import { otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import {
  STEAM_CHARS,
  expectFailure,
  expectOk,
  hotpRef,
  names,
  newSecret,
  sha256,
  steamRef,
  totpRef,
  type Alg,
} from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

interface Shown {
  name: string;
  issuer: string;
  account: string;
  type: string;
  algorithm: string;
  digits: number;
  period?: number;
  counter?: number;
  tags: string[];
  secret?: string;
}
const show = async (h: OtpHome, q: string): Promise<Shown> => JSON.parse(expectOk(await otp(h, ["show", q, "--reveal", "--json"])));

/** Runs `otp add …` and checks it printed "NAME: CODE" with a code `expected` gives for the time it ran. */
async function addAndCheck(h: OtpHome, args: string[], name: string, expected: (ms: number) => string, input?: string) {
  const before = Date.now();
  const r = await otp(h, ["add", ...args], { input });
  const out = expectOk(r);
  const codes = new Set([expected(before), expected(Date.now())]);
  expect(
    [...codes].map((c) => `${name}: ${c}\n`),
    r.stderr,
  ).toContain(out);
  return r;
}

describe("otp add: sources", () => {
  it("--uri: issuer, account, algorithm, digits and period from the URI; name from the issuer", async () => {
    await using h = await otpHome([]);
    const s = newSecret(32);
    const uri = `otpauth://totp/ACME%20Co:alice%40example.com?secret=${s}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60`;
    const r = await addAndCheck(h, ["--uri", uri], "ACME Co", (t) => totpRef(s, t, { alg: "sha256", digits: 8, period: 60 }));
    expect(r.stderr).not.toContain("--secret");
    expect(await show(h, "ACME Co")).toMatchObject({
      issuer: "ACME Co",
      account: "alice@example.com",
      type: "totp",
      algorithm: "SHA256",
      digits: 8,
      period: 60,
      secret: s,
    });
  });

  it("--secret works but warns that argv is visible (ps, shell history)", async () => {
    await using h = await otpHome([]);
    const s = newSecret();
    const r = await addAndCheck(h, ["github", "--secret", s], "github", (t) => totpRef(s, t));
    expect(r.stderr).toMatch(/--secret is visible to other processes/);
    expect(r.stderr).toMatch(/history/);
    expect(r.stderr).not.toContain(s);
  });

  it("--stdin: a secret, and an otpauth URI (NAME given overrides the issuer)", async () => {
    await using h = await otpHome([]);
    const s1 = newSecret();
    const s2 = newSecret();
    const r = await addAndCheck(h, ["one", "--stdin"], "one", (t) => totpRef(s1, t), `${s1}\n`);
    expect(r.stderr).not.toMatch(/--secret/);
    await addAndCheck(h, ["two", "--stdin"], "two", (t) => totpRef(s2, t), `otpauth://totp/Example:bob?secret=${s2}&issuer=Example\n`);
    expect(await show(h, "two")).toMatchObject({ issuer: "Example", account: "bob", secret: s2 });
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["one", "two"]);
  });

  it("base32 normalisation: lower case, spaces, hyphens, padding", async () => {
    await using h = await otpHome([]);
    const s = newSecret(20); // 32 characters
    const messy = `  ${s
      .toLowerCase()
      .replace(/(.{4})(?=.)/g, "$1 ")
      .replace(/ (\S{4}) /, " $1-")}====\n`;
    expect(messy).not.toContain(s);
    await addAndCheck(h, ["messy", "--stdin"], "messy", (t) => totpRef(s, t), messy);
    expect((await show(h, "messy")).secret).toBe(s);
    const s2 = newSecret(10); // 16 characters, no padding needed
    await addAndCheck(h, ["padded", "--secret", `${s2.slice(0, 8)}-${s2.slice(8).toLowerCase()}`], "padded", (t) => totpRef(s2, t));
    expect((await show(h, "padded")).secret).toBe(s2);
  });

  it("a short (80-bit) secret is accepted with a warning", async () => {
    await using h = await otpHome([]);
    const s = newSecret(10);
    const r = await addAndCheck(h, ["short", "--stdin"], "short", (t) => totpRef(s, t), s);
    expect(r.stderr).toMatch(/80 bits/);
  });
});

describe("otp add: flags", () => {
  it("--issuer --account --tag (repeated) --period --algorithm --digits", async () => {
    await using h = await otpHome([]);
    const s = newSecret(64);
    await addAndCheck(
      h,
      [
        "work",
        "--stdin",
        "--issuer",
        "Corp",
        "--account",
        "me@corp.example",
        "--tag",
        "work",
        "--tag",
        "vpn",
        "--period",
        "45",
        "--algorithm",
        "sha512",
        "--digits",
        "7",
      ],
      "work",
      (t) => totpRef(s, t, { alg: "sha512", digits: 7, period: 45 }),
      s,
    );
    expect(await show(h, "work")).toMatchObject({
      name: "work",
      issuer: "Corp",
      account: "me@corp.example",
      tags: ["work", "vpn"],
      period: 45,
      algorithm: "SHA512",
      digits: 7,
      type: "totp",
    });
  });

  for (const [alg, digits] of [
    ["sha1", 6],
    ["sha256", 9],
    ["sha512", 10],
    ["sha1", 8],
  ] as [Alg, number][]) {
    it(`--algorithm ${alg} --digits ${digits}`, async () => {
      await using h = await otpHome([]);
      const s = newSecret();
      await addAndCheck(h, ["x", "--stdin", "--algorithm", alg, "--digits", String(digits)], "x", (t) => totpRef(s, t, { alg, digits }), s);
      expect(await show(h, "x")).toMatchObject({ algorithm: alg.toUpperCase(), digits });
    });
  }

  it("--type hotp --counter N: prints the code of N and stores N+1", async () => {
    await using h = await otpHome([]);
    const s = newSecret();
    await addAndCheck(
      h,
      ["bank", "--stdin", "--type", "hotp", "--counter", "5", "--digits", "8"],
      "bank",
      () => hotpRef(s, 5, "sha1", 8),
      s,
    );
    const e = await show(h, "bank");
    expect(e).toMatchObject({ type: "hotp", digits: 8, counter: 6 });
    expect(e.period).toBeUndefined();
    expect(expectOk(await otp(h, ["code", "bank"]))).toBe(hotpRef(s, 6, "sha1", 8) + "\n");
  });

  it("--type hotp without --counter starts at 0", async () => {
    await using h = await otpHome([]);
    const s = newSecret();
    await addAndCheck(h, ["bank", "--stdin", "--type", "hotp"], "bank", () => hotpRef(s, 0), s);
    expect((await show(h, "bank")).counter).toBe(1);
  });

  it("--type steam: 5 characters of Steam's alphabet", async () => {
    await using h = await otpHome([]);
    const s = newSecret();
    const r = await addAndCheck(h, ["steam", "--stdin", "--type", "steam"], "steam", (t) => steamRef(s, t), s);
    const code = r.stdout.trim().split(": ")[1]!;
    expect(code).toMatch(new RegExp(`^[${STEAM_CHARS}]{5}$`));
    expect(await show(h, "steam")).toMatchObject({ type: "steam", digits: 5, period: 30, algorithm: "SHA1" });
  });

  it("--digits 5 and 11: exit 2, nothing written", async () => {
    await using h = await otpHome([totp("keep", newSecret())]);
    const sum = sha256(h.vault);
    for (const d of ["5", "11"]) {
      const s = newSecret();
      expectFailure(await otp(h, ["add", "x", "--stdin", "--digits", d], { input: s }), 2, "digits", [s]);
      expectFailure(await otp(h, ["add", "x", "--stdin", "--type", "hotp", "--digits", d], { input: s }), 2, "digits", [s]);
    }
    expect(sha256(h.vault)).toBe(sum);
  });

  it("a name already taken: exit 2, nothing written", async () => {
    await using h = await otpHome([totp("taken", newSecret())]);
    const sum = sha256(h.vault);
    const s = newSecret();
    expectFailure(await otp(h, ["add", "taken", "--stdin"], { input: s }), 2, "already exists", [s]);
    expect(sha256(h.vault)).toBe(sum);
  });
});

describe("otp add: duplicate secrets", () => {
  it("refused naming the entry that holds it (also when spelled differently); --force adds it anyway", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("holder", s)]);
    const sum = sha256(h.vault);
    for (const spelling of [s, s.toLowerCase(), s.replace(/(.{4})(?=.)/g, "$1 ")]) {
      const r = await otp(h, ["add", "again", "--stdin"], { input: spelling });
      expectFailure(r, 2, "already holds this secret", [s]);
      expect(r.stderr).toContain('"holder"');
      expect(r.stderr).toContain("--force");
    }
    expect(sha256(h.vault)).toBe(sum);
    await addAndCheck(h, ["again", "--stdin", "--force"], "again", (t) => totpRef(s, t), s);
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["holder", "again"]);
  });
});
