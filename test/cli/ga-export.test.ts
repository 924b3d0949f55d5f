// In-process (test/helpers/cli-run.ts). `otp export --format ga` through the built CLI, and the round trip the issue asks for:
// entries → Google Authenticator PNGs → Debian's zbarimg reads each → `otp import` into a
// fresh vault → the same entries and the same codes. Plus what it leaves out and refuses.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectNoSecret, expectOk, hotpRef, totpRef } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { needTool } from "../helpers/tools.js";

const S = (c: string) => `JBSWY3DPEHPK3PX${c}KRUGKIDROVUWG2ZA`;
const ENTRIES = [
  totp("github", S("A"), { issuer: "GitHub", account: "alice@example.com" }),
  totp("bank", S("B"), { issuer: "Bänk 銀行", account: "zoë@example.com", algorithm: "SHA256", digits: 8 }),
  totp("sha512", S("C"), { issuer: "", account: "only-account", algorithm: "SHA512" }),
  hotp("counter", S("D"), 41),
  ...Array.from({ length: 14 }, (_, i) => totp(`more${i}`, S("EFGHIJKLMNOPQRST"[i]!), { account: `user${i}@example.com` })),
];
const LEFT_OUT = [
  totp("steam", S("U"), { type: "steam", digits: 5 }),
  totp("seven", S("V"), { digits: 7 }),
  totp("minute", S("W"), { period: 60 }),
];

const fields = (e: Record<string, unknown>) => ({
  issuer: e.issuer,
  account: e.account,
  type: e.type,
  algorithm: e.algorithm,
  digits: e.digits,
  period: e.period,
  counter: e.counter,
});
const byAccount = (a: { account: unknown }, b: { account: unknown }) => String(a.account).localeCompare(String(b.account));

describe.skipIf(!needTool("zbarimg", "zbar-tools"))("round trip through Google Authenticator PNGs and zbarimg", () => {
  it(
    "the same entries and the same codes in a fresh vault; entries GA cannot hold are named and left out",
    { timeout: 120_000 },
    async () => {
      using h = await otpHome([...ENTRIES, ...LEFT_OUT]);
      const dir = join(h.home, "to-phone");
      const r = await otp(h, ["export", "--format", "ga", "--output", dir]);
      expectOk(r);
      expect(r.stdout).toBe("");
      for (const [name, why] of [
        ["steam", "Steam"],
        ["seven", "7-digit"],
        ["minute", "30-second"],
      ])
        expect(r.stderr).toMatch(new RegExp(`left out "${name}": .*${why}`));
      expect(r.stderr).toMatch(/hold your secrets in the clear/);
      for (const e of ENTRIES) expectNoSecret(r.stderr, e.secret);
      const files = readdirSync(dir).sort();
      expect(files.length).toBeGreaterThan(1);
      expect(files).toEqual(files.map((_, i) => `ga-${i + 1}-of-${files.length}.png`).sort());
      for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);

      const uris = files.map((f) =>
        execFileSync("zbarimg", ["-q", "--raw", join(dir, f)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
      );
      for (const u of uris) expect(u).toMatch(/^otpauth-migration:\/\/offline\?data=[A-Za-z0-9%]+$/);
      using fresh = await otpHome([]);
      const imported = await otp(fresh, ["import", "-"], { input: uris.join("\n") + "\n" });
      expectOk(imported);
      expect(imported.stderr).toContain(`added ${ENTRIES.length}, skipped 0`);
      expect(imported.stderr).not.toMatch(/missing/);

      const want = JSON.parse(expectOk(await otp(h, ["list", "--json"]))).filter(
        (e: { name: string }) => !["steam", "seven", "minute"].includes(e.name),
      );
      const got = JSON.parse(expectOk(await otp(fresh, ["list", "--json"])));
      // GA keeps no names: a name becomes the issuer (or account) again, as for any import.
      expect(got.map(fields).sort(byAccount)).toEqual(want.map(fields).sort(byAccount));
      // The same secrets, and the codes of one entry of each kind match the reference (RFC 4226/6238).
      const secretOf = (text: string) =>
        new Map([...text.matchAll(/^otpauth:\/\/\w+\/([^?]*)\?secret=([A-Z2-7]+)/gm)].map((m) => [decodeURIComponent(m[1]!), m[2]!]));
      const before = secretOf(expectOk(await otp(h, ["export", "--format", "uri", "--plain"])));
      const after = secretOf(expectOk(await otp(fresh, ["export", "--format", "uri", "--plain"])));
      for (const [label, secret] of after) expect(before.get(label), label).toBe(secret);
      expect(after.size).toBe(ENTRIES.length);
      const at = 1767268800;
      const code = async (name: string, extra: string[] = ["--at", String(at)]) =>
        expectOk(await otp(fresh, ["code", name, ...extra])).trim();
      expect(await code("GitHub")).toBe(totpRef(S("A"), at * 1000));
      expect(await code("Bänk 銀行")).toBe(totpRef(S("B"), at * 1000, { alg: "sha256", digits: 8 }));
      expect(await code("only-account")).toBe(totpRef(S("C"), at * 1000, { alg: "sha512" }));
      expect(await code("counter", [])).toBe(hotpRef(S("D"), 41));
    },
  );
});

describe("otp export --format ga: checks", () => {
  it("off a terminal it needs --output DIR or --plain, and asks no password first", async () => {
    using h = await otpHome(ENTRIES.slice(0, 2));
    expectFailure(await otp(h, ["export", "--format", "ga"], { password: false }), 2, "use --output DIR for PNG files, or --plain");
  });

  it("--plain prints the otpauth-migration:// URIs, which import back", async () => {
    using h = await otpHome(ENTRIES);
    const r = await otp(h, ["export", "--format", "ga", "--plain"]);
    const uris = expectOk(r).trim().split("\n");
    expect(uris.length).toBeGreaterThan(1);
    for (const u of uris) expect(u).toMatch(/^otpauth-migration:\/\/offline\?data=/);
    expect(r.stderr).toMatch(/in the clear/);
    using fresh = await otpHome([]);
    expectOk(await otp(fresh, ["import", "-"], { input: uris.join("\n") }));
    expect(JSON.parse(expectOk(await otp(fresh, ["list", "--json"])))).toHaveLength(ENTRIES.length);
  });

  it("never over existing files without --force (nothing written), not into a file, and exit 2 with nothing GA can hold", async () => {
    using h = await otpHome(ENTRIES.slice(0, 3));
    const dir = join(h.home, "out");
    mkdirSync(dir);
    writeFileSync(join(dir, "ga-1-of-1.png"), "mine");
    expectFailure(await otp(h, ["export", "--format", "ga", "--output", dir]), 1, "already exists");
    expect(readdirSync(dir)).toEqual(["ga-1-of-1.png"]);
    expectOk(await otp(h, ["export", "--format", "ga", "--output", dir, "--force"]));
    expect(statSync(join(dir, "ga-1-of-1.png")).size).toBeGreaterThan(100);
    writeFileSync(join(h.home, "file"), "x");
    expectFailure(await otp(h, ["export", "--format", "ga", "--output", join(h.home, "file")]), 2, "is a file");
    using steamOnly = await otpHome(LEFT_OUT);
    expectFailure(await otp(steamOnly, ["export", "--format", "ga", "--plain"]), 2, "no entry that Google Authenticator can hold", [], {
      warningsFirst: true,
    });
  });
});
