// In-process (test/helpers/cli-run.ts). `otp import` of other apps' exports through the built CLI, and round trips through every
// export format otp reads back: the entries land with their parameters; a wrong
// import password is exit 4, a damaged or truncated file exit 2, and after every failed
// import the vault file is byte for byte what it was.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp, writeVault, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, newSecret, sha256, totpRef } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import type { EntryDraft } from "../../src/core/entry.js";

const CORPUS = join(__dirname, "../fixtures/import/aegis-importers");
const VAULTS = join(__dirname, "../fixtures/import/aegis-vault");

interface Exported {
  name: string;
  issuer: string;
  account: string;
  type: string;
  secret: string;
  algorithm: string;
  digits: number;
  period?: number;
  counter?: number;
  tags: string[];
  notes: string;
  recoveryCodes: { code: string; usedAt: string | null }[];
}

async function exported(h: OtpHome): Promise<Exported[]> {
  return JSON.parse(expectOk(await otp(h, ["export", "--format", "json", "--plain"]))).entries;
}

function passwordFile(h: OtpHome, pw: string): string {
  const f = join(h.home, `pw-${pw.length}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, pw + "\n", { mode: 0o600 });
  return f;
}

/** Copies fixture bytes, changed by `edit`, into the home. */
function damagedCopy(h: OtpHome, from: string, edit: (b: Buffer) => Buffer): string {
  const out = join(h.home, "damaged-" + from.split("/").pop());
  writeFileSync(out, edit(readFileSync(from)));
  return out;
}

describe("otp import: other apps' files through the CLI", () => {
  it("an encrypted Aegis vault with --import-password-file: 7 entries with their parameters", async () => {
    await using h = await otpHome([]);
    const r = await otp(h, ["import", "--import-password-file", passwordFile(h, "test"), join(VAULTS, "aegis_encrypted.json")]);
    expectOk(r);
    expect(r.stderr).toMatch(/added 7, skipped 0 already in the vault, refused 0/);
    const got = await exported(h);
    expect(got.find((e) => e.issuer === "WWE")).toMatchObject({
      type: "hotp",
      algorithm: "SHA512",
      digits: 8,
      counter: 10300,
      account: "Mason",
    });
    expect(got.find((e) => e.issuer === "Boeing")).toMatchObject({ type: "steam", digits: 5, period: 30 });
    expect(got.find((e) => e.issuer === "SPDX")).toMatchObject({ algorithm: "SHA256", digits: 7, period: 20 });
  });

  it("several files at once, auto-detected (2FAS encrypted, FreeOTP, Google Authenticator's database, Steam): duplicates counted", async () => {
    await using h = await otpHome([]);
    const r = await otp(h, [
      "import",
      "--import-password-file",
      passwordFile(h, "test"),
      join(CORPUS, "2fas_authenticator_encrypted_v4.2fas"),
      join(CORPUS, "freeotp.xml"),
      join(CORPUS, "google_authenticator.sqlite"),
      join(CORPUS, "steam.json"),
    ]);
    expectOk(r);
    // 2FAS: Deno, Issuu, Air Canada, WWE, Boeing; FreeOTP adds Airbnb (3 duplicates); the GA
    // database adds SPDX (5 duplicates); Steam's Boeing is a duplicate.
    const got = await exported(h);
    expect(new Set(got.map((e) => e.secret)).size).toBe(got.length);
    expect(got.map((e) => e.issuer).sort()).toEqual(["Airbnb", "Boeing", "Deno", "Issuu", "SPDX", "WWE", "Air Canada"].sort());
    expect(r.stderr).toMatch(/added 7, skipped 9 already in the vault, refused 0/);
    expect(r.stderr).toMatch(/FreeOTP stores the last HOTP counter/);
  });

  it("Steam's revocation code is kept as the entry's recovery code", async () => {
    await using h = await otpHome([]);
    expectOk(await otp(h, ["import", join(CORPUS, "steam.json")]));
    const [e] = await exported(h);
    expect(e).toMatchObject({ type: "steam", issuer: "Steam", account: "Sophia", recoveryCodes: [{ code: "R1234", usedAt: null }] });
  });

  it("andOTP's encrypted backup needs --format andotp; the old label quirk is fixed", async () => {
    await using h = await otpHome([]);
    const pw = passwordFile(h, "test");
    expectFailure(await otp(h, ["import", "--import-password-file", pw, join(CORPUS, "andotp_encrypted_old.bin")]), 2, "--format andotp");
    const r = await otp(h, ["import", "--format", "andotp", "--import-password-file", pw, join(CORPUS, "andotp_encrypted_old.bin")]);
    expectOk(r);
    expect((await exported(h)).map((e) => e.account).sort()).toEqual(["Benjamin", "Elijah", "James", "James", "Mason", "Mason"]);
  });
});

describe("otp import: failures leave the vault as it was", () => {
  const cases: [string, string, string[]][] = [
    ["Aegis", join(VAULTS, "aegis_encrypted.json"), []],
    ["2FAS", join(CORPUS, "2fas_authenticator_encrypted_v3.2fas"), []],
    ["andOTP", join(CORPUS, "andotp_encrypted.bin"), ["--format", "andotp"]],
    ["FreeOTP 2", join(CORPUS, "freeotp_v2_api27.xml"), []],
    ["Authy", join(CORPUS, "authy_encrypted.xml"), []],
    ["Stratum (legacy)", join(CORPUS, "stratum_encrypted_legacy.bin"), []],
    ["TOTP Authenticator", join(CORPUS, "totp_authenticator.bin"), ["--format", "totp-authenticator"]],
    ["Authenticator Plus", join(CORPUS, "authenticator_plus.zip"), []],
  ];
  for (const [app, file, extra] of cases)
    it(`a wrong password for ${app} is exit 4`, async () => {
      await using h = await otpHome([totp("held", newSecret())]);
      const before = sha256(h.vault);
      expectFailure(
        await otp(h, ["import", ...extra, "--import-password-file", passwordFile(h, "not-the-password"), file]),
        4,
        "wrong password",
      );
      expect(sha256(h.vault)).toBe(before);
    });

  it("an encrypted import with no password file and no terminal is exit 4 with the way out", async () => {
    await using h = await otpHome([totp("held", newSecret())]);
    const before = sha256(h.vault);
    expectFailure(await otp(h, ["import", join(VAULTS, "aegis_encrypted.json")]), 4, "--import-password-file");
    expect(sha256(h.vault)).toBe(before);
  });

  const flip = (at: (b: Buffer) => number) => (b: Buffer) => {
    const c = Buffer.from(b);
    const i = at(c);
    c[i] = c[i]! ^ 0x01;
    return c;
  };
  const aegisDb = (b: Buffer) => {
    const v = JSON.parse(b.toString());
    const db = Buffer.from(v.db, "base64");
    db[10] = db[10]! ^ 1;
    v.db = db.toString("base64");
    return Buffer.from(JSON.stringify(v));
  };
  const twofasServices = (b: Buffer) => {
    const v = JSON.parse(b.toString());
    const [ct, ...rest] = v.servicesEncrypted.split(":");
    const d = Buffer.from(ct, "base64");
    d[5] = d[5]! ^ 1;
    v.servicesEncrypted = [d.toString("base64"), ...rest].join(":");
    return Buffer.from(JSON.stringify(v));
  };
  const damages: [string, string, (b: Buffer) => Buffer, string[], RegExp][] = [
    [
      "a truncated encrypted Aegis vault",
      join(VAULTS, "aegis_encrypted.json"),
      (b) => b.subarray(0, b.length / 2),
      [],
      /does not parse|damaged or truncated/,
    ],
    [
      "an encrypted Aegis vault whose data was changed (the password is right)",
      join(VAULTS, "aegis_encrypted.json"),
      aegisDb,
      [],
      /damaged or truncated/,
    ],
    [
      "a 2FAS backup whose services were changed (its reference still opens)",
      join(CORPUS, "2fas_authenticator_encrypted.2fas"),
      twofasServices,
      [],
      /damaged or truncated/,
    ],
    [
      "a truncated FreeOTP 2 backup",
      join(CORPUS, "freeotp_v2_api34.xml"),
      (b) => b.subarray(0, 900),
      ["--format", "freeotp2"],
      /truncated|not a readable/,
    ],
    [
      "a truncated legacy Stratum backup",
      join(CORPUS, "stratum_encrypted_legacy.bin"),
      (b) => b.subarray(0, b.length - 5),
      [],
      /cut short/,
    ],
    [
      "a truncated TOTP Authenticator backup",
      join(CORPUS, "totp_authenticator.bin"),
      (b) => b.subarray(0, 801),
      ["--format", "totp-authenticator"],
      /cut short|base64/,
    ],
    [
      "a truncated Authenticator Plus zip",
      join(CORPUS, "authenticator_plus.zip"),
      (b) => b.subarray(0, 300),
      ["--format", "authenticator-plus"],
      /ZIP|unpack/,
    ],
    [
      "a truncated Google Authenticator database",
      join(CORPUS, "google_authenticator.sqlite"),
      (b) => b.subarray(0, 4096),
      ["--format", "ga-db"],
      /SQLite|table/,
    ],
    [
      "an andOTP backup shorter than its header",
      join(CORPUS, "andotp_encrypted.bin"),
      (b) => b.subarray(0, 20),
      ["--format", "andotp"],
      /too short/,
    ],
    [
      "a FreeOTP 2 backup with a changed token key",
      join(CORPUS, "freeotp_v2_null_algo.xml"),
      flip((b) => b.indexOf("mCipherText") + 20),
      [],
      /nothing to import|damaged|not DER|decrypt/,
    ],
  ];
  for (const [what, file, edit, extra, phrase] of damages)
    it(`${what} is exit 2 with a clear line`, async () => {
      await using h = await otpHome([totp("held", newSecret())]);
      const before = sha256(h.vault);
      const bad = damagedCopy(h, file, edit);
      expectFailure(await otp(h, ["import", ...extra, "--import-password-file", passwordFile(h, "test"), bad]), 2, phrase);
      expect(sha256(h.vault)).toBe(before);
    });
});

/** A vault with one of each kind of entry, tags, notes and recovery codes. */
async function richHome(): Promise<{ h: OtpHome; drafts: EntryDraft[] }> {
  const drafts: EntryDraft[] = [
    totp("github", newSecret(), { issuer: "GitHub", account: "octo@example.com", tags: ["work", "code"], notes: "the main one" }),
    totp("aws", newSecret(32), { issuer: "AWS", account: "root", algorithm: "SHA256", digits: 8, period: 60 }),
    hotp("bank", newSecret(), 42),
    { name: "steam", issuer: "Steam", account: "gamer", type: "steam", secret: newSecret(), algorithm: "SHA1", digits: 5, period: 30 },
    totp("plain", newSecret(10), { issuer: "", account: "just-me", algorithm: "SHA512", digits: 7, period: 20 }),
  ];
  const h = await otpHome([]);
  await writeVault(h.vault, drafts);
  return { h, drafts };
}

const core = (e: Exported) => ({
  issuer: e.issuer,
  account: e.account,
  type: e.type,
  secret: e.secret,
  algorithm: e.algorithm,
  digits: e.digits,
  period: e.period,
  counter: e.counter,
});

describe("round trips into a fresh vault keep every entry and code", () => {
  const at = "1767225600"; // 2026-01-01T00:00:00Z
  for (const [format, args, keeps] of [
    ["uri", ["--plain"], "parameters"],
    ["json", ["--plain"], "everything"],
    ["aegis", ["--plain"], "parameters, tags and notes"],
    ["aegis", ["--export-password-file"], "parameters, tags and notes"],
  ] as const)
    it(`export --format ${format} ${args[0]} → import keeps ${keeps}`, async () => {
      const { h } = await richHome();
      await using _h = h;
      await using fresh = await otpHome([]);
      const out = join(h.home, `export.${format}`);
      const pwArgs = args[0] === "--export-password-file" ? [args[0], passwordFile(h, "export-pw ü")] : [...args];
      expectOk(await otp(h, ["export", "--format", format, ...pwArgs, "--output", out]));
      if (args[0] === "--export-password-file") {
        expect(readFileSync(out, "utf8")).not.toMatch(/"secret"/);
        for (const e of await exported(h)) expect(readFileSync(out, "utf8")).not.toContain(e.secret);
      }
      const imp = args[0] === "--export-password-file" ? ["--import-password-file", passwordFile(h, "export-pw ü")] : [];
      const r = await otp(fresh, ["import", ...imp, out]);
      expectOk(r);
      expect(r.stderr).toMatch(/added 5, skipped 0 already in the vault, refused 0/);
      const before = await exported(h);
      const after = await exported(fresh);
      expect(after.map(core)).toEqual(before.map(core));
      if (format === "json") expect(after).toEqual(before);
      if (format === "aegis") {
        expect(after.map((e) => [e.tags, e.notes])).toEqual(before.map((e) => [e.tags, e.notes]));
      }
      // the same codes: each TOTP entry of the fresh vault (by its own, possibly new, name)
      for (const e of after.filter((x) => x.type === "totp"))
        expect(expectOk(await otp(fresh, ["code", e.name, "--at", at])).trim()).toBe(
          totpRef(e.secret, Number(at) * 1000, { alg: e.algorithm.toLowerCase() as "sha1", digits: e.digits, period: e.period }),
        );
    });

  it("the json export keeps recovery codes and which were used", async () => {
    await using h = await otpHome([]);
    const file = join(h.home, "in.json");
    const s = newSecret();
    writeFileSync(
      file,
      JSON.stringify({
        format: "otpvault-export",
        version: 1,
        exportedAt: "2026-01-01T00:00:00Z",
        entries: [
          {
            name: "gh",
            issuer: "GitHub",
            account: "me",
            type: "totp",
            secret: s,
            algorithm: "SHA1",
            digits: 6,
            period: 30,
            tags: [],
            notes: "",
            recoveryCodes: [
              { code: "aaaa-bbbb", usedAt: null },
              { code: "cccc-dddd", usedAt: "2026-01-02T00:00:00Z" },
            ],
          },
        ],
      }),
    );
    expectOk(await otp(h, ["import", file]));
    expect((await exported(h))[0]!.recoveryCodes).toEqual([
      { code: "aaaa-bbbb", usedAt: null },
      { code: "cccc-dddd", usedAt: "2026-01-02T00:00:00Z" },
    ]);
    // a second import under a taken name is renamed, not refused; the same secret is skipped
    const s2 = newSecret();
    writeFileSync(file, readFileSync(file, "utf8").replace(s, s2));
    expectOk(await otp(h, ["import", file]));
    expect((await exported(h)).map((e) => e.name)).toEqual(["gh", "gh-2"]);
  });

  it("an encrypted aegis export off a terminal without --export-password-file is exit 4; --plain with it is exit 2", async () => {
    await using h = await otpHome([totp("gh", newSecret())]);
    expectFailure(await otp(h, ["export", "--format", "aegis", "--output", join(h.home, "a.json")]), 4, "--export-password-file");
    expectFailure(
      await otp(h, [
        "export",
        "--format",
        "aegis",
        "--plain",
        "--export-password-file",
        passwordFile(h, "x"),
        "--output",
        join(h.home, "a.json"),
      ]),
      2,
      "contradict",
    );
  });
});
