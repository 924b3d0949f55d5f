// `otp import` of QR images and Google Authenticator exports: the real
// exports of test/fixtures/ga-migration*/ land as exactly their expected entries, the
// negatives are refused with exit 2 and change nothing, batches spread over several files are
// judged together, and `otp add --qr` takes one account from an image. otp runs in process
// (test/helpers/cli-run.ts), with its real image reader (sharp, jsQR), except for an image on
// standard input, which goes through the built CLI; here, not in test/cli, as decoding ~30
// images would double the quick loop.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OTP_BIN, otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, sha256, totpRef } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const FIX = join(import.meta.dirname, "../fixtures");
const GA = join(FIX, "ga-migration");
const expected = JSON.parse(readFileSync(join(GA, "expected.json"), "utf8")).files;

interface Listed {
  name: string;
  issuer: string;
  account: string;
  type: string;
  algorithm: string;
  digits: number;
  period?: number;
  counter?: number;
}

const list = async (h: Awaited<ReturnType<typeof otpHome>>): Promise<Listed[]> =>
  JSON.parse(expectOk(await await otp(h, ["list", "--json"])));
const shape = (e: {
  issuer: string;
  account: string;
  type: string;
  algorithm: string;
  digits: number;
  period?: number;
  counter?: number;
}) => ({
  issuer: e.issuer,
  account: e.account,
  type: e.type,
  algorithm: e.algorithm,
  digits: e.digits,
  ...(e.type === "hotp" ? { counter: e.counter } : { period: e.period }),
});
/** expected.json keeps Google's name verbatim; otp drops an "Issuer:" that repeats the issuer. */
const asOtp = (e: Listed) =>
  shape({ ...e, account: e.issuer && e.account.startsWith(`${e.issuer}:`) ? e.account.slice(e.issuer.length + 1) : e.account });
/** The first entry of each secret, as the vault keeps them (later ones are duplicates). */
const firstBySecret = (entries: (Listed & { secret: string })[]) =>
  entries.filter((e, i) => entries.findIndex((x) => x.secret === e.secret) === i);

describe("otp import: Google Authenticator exports", () => {
  for (const file of ["example_export.txt", "test_plus_problem_export.txt", "example_export.png"]) {
    it(`${file}: exactly the expected entries, duplicates counted`, async () => {
      using h = await otpHome([]);
      const r = await otp(h, ["import", join(GA, file)]);
      expectOk(r);
      const want = firstBySecret(expected[file].entries ?? expected[file].payloads.flatMap((p: { entries: unknown[] }) => p.entries));
      expect((await list(h)).map(shape)).toEqual(want.map(asOtp));
      const dup = expected[file].entry_count - want.length;
      expect(r.stderr).toContain(`added ${want.length}, skipped ${dup} already in the vault, refused 0`);
      // The secrets and codes are right too.
      const exported = expectOk(await otp(h, ["export", "--format", "uri", "--plain"]));
      expect([...exported.matchAll(/secret=([A-Z2-7]+)/g)].map((m) => m[1])).toEqual(want.map((e) => e.secret));
    });
  }

  it("the HOTP counter and the non-ASCII name survive (each URI alone, so no duplicate hides them)", async () => {
    using h = await otpHome([]);
    const lines = readFileSync(join(GA, "example_export.txt"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("otpauth-migration:"));
    expectOk(await otp(h, ["import", "-"], { input: lines[3] + "\n" }));
    expect((await list(h))[0]).toMatchObject({ type: "hotp", account: "hotp demo", counter: 4 });
    using h2 = await otpHome([]);
    expectOk(await otp(h2, ["import", "-"], { input: lines[4] + "\n" }));
    expect((await list(h2))[0]).toMatchObject({ account: "encoding: ¿äÄéÉ? (demo)", issuer: "" });
  });

  it("dim13: the clean QR image and the two minimal migration URIs; the code matches upstream's", async () => {
    const dim = JSON.parse(readFileSync(join(FIX, "ga-migration-dim13/expected.json"), "utf8")).files;
    using h = await otpHome([]);
    expectOk(await otp(h, ["import", join(FIX, "ga-migration-dim13/example.png"), join(FIX, "ga-migration-dim13/migration-uris.txt")]));
    const got = await list(h);
    expect(got.map(shape)).toContainEqual(shape(dim["example.png"].entries[0]));
    const vector = dim["migration-uris.txt"].cases[0].expected_code;
    expect(expectOk(await otp(h, ["code", "Example", "--at", String(vector.at_unix)])).trim()).toBe(vector.code);
    expect(got).toHaveLength(2); // line 1 has the image's secret: skipped as a duplicate
  });

  it("a mixed list (otpauth:// and otpauth-migration:// lines) and --format ga / image by name", async () => {
    using h = await otpHome([]);
    const mixed = join(h.home, "mixed.txt");
    const migration = readFileSync(join(GA, "test_plus_problem_export.txt"), "utf8").trim();
    writeFileSync(mixed, `# mine\notpauth://totp/Plain:me?secret=KRUGKIDROVUWG2ZAMJZG653OEBTG66BA&issuer=Plain\n${migration}\nnot a uri\n`);
    const r = await otp(h, ["import", mixed]);
    expectOk(r);
    expect(r.stderr).toMatch(/mixed\.txt, line 4: not an otpauth:\/\/ or otpauth-migration:\/\/ URI/);
    expect(await list(h)).toHaveLength(5);
    expectOk(await otp(h, ["import", "--dry-run", "--format", "ga", join(GA, "example_export.txt")]));
    expectOk(await otp(h, ["import", "--dry-run", "--format", "image", join(GA, "example_export.png")]));
    expectFailure(await otp(h, ["import", "--format", "image", join(GA, "example_export.txt")]), 2, "is not an image");
  });

  it("an image on standard input", async () => {
    using h = await otpHome([]);
    const r = spawnSync(process.execPath, [OTP_BIN, "import", "-"], {
      env: h.env(),
      input: readFileSync(join(GA, "example_export.png")),
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect((await list(h)).map((e) => e.issuer)).toEqual(["Test1", "Test2", "Test3"]);
  });
});

describe("otp import: refusals change nothing", () => {
  const negatives: [string, RegExp][] = [
    ["negative/qr_but_without_otp.png", /QR 1: not an otpauth:\/\/ or otpauth-migration:\/\/ URI/],
    ["negative/text_masquerading_as_image.jpeg", /is not an image/],
    ["negative/test_export_wrong_content.txt", /line 1: not an otpauth:\/\/ or otpauth-migration:\/\/ URI/],
    ["negative/test_export_wrong_data.txt", /line 1: the otpauth-migration:\/\/ URI holds no valid Google Authenticator payload/],
    ["negative/only_comments.txt", /nothing to import/],
    ["negative/empty_file.txt", /nothing to import/],
  ];
  for (const [file, phrase] of negatives)
    it(`${file}: exit 2, one error line, vault untouched`, async () => {
      using h = await otpHome([totp("keep", "JBSWY3DPEHPK3PXP")]);
      const before = sha256(h.vault);
      expectFailure(await otp(h, ["import", join(GA, file)]), 2, phrase);
      expect(sha256(h.vault)).toBe(before);
    });

  it("a truncated image, an image without a QR code and a HEIC photo: exit 2 before any password", async () => {
    using h = await otpHome([totp("keep", "JBSWY3DPEHPK3PXP")]);
    const before = sha256(h.vault);
    const png = readFileSync(join(GA, "example_export.png"));
    const cut = join(h.home, "cut.png");
    writeFileSync(cut, png.subarray(0, png.length >> 1));
    expectFailure(await otp(h, ["import", cut], { password: false }), 2, "truncated or damaged");
    const blank = join(h.home, "blank.png");
    const sharp = (await import("sharp")).default;
    writeFileSync(
      blank,
      await sharp({ create: { width: 200, height: 100, channels: 3, background: "#fff" } })
        .png()
        .toBuffer(),
    );
    expectFailure(await otp(h, ["import", blank], { password: false }), 2, "no QR code found");
    const heic = join(h.home, "IMG_0001.HEIC");
    writeFileSync(heic, Buffer.from([0, 0, 0, 24, ...Buffer.from("ftypheic"), 0, 0, 0, 0, ...Buffer.from("mif1heic"), 0, 0, 0, 0]));
    expectFailure(await otp(h, ["import", heic], { password: false }), 2, "HEIC");
    expect(sha256(h.vault)).toBe(before);
  });
});

describe("batches over several files", () => {
  it(
    "export --format ga PNGs, imported together: every account; one file missing: the others land and the part is named",
    { timeout: 120_000 },
    async () => {
      const entries = Array.from({ length: 25 }, (_, i) =>
        totp(`acct${i}`, `JBSWY3DPEHPK3PX${"ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]}JBSWY3DPEHPK3PXP`, {
          issuer: `Issuer ${i}`,
          account: `user${i}@example.com`,
        }),
      );
      using src = await otpHome(entries);
      const dir = join(src.home, "codes");
      const r = await otp(src, ["export", "--format", "ga", "--output", dir]);
      expectOk(r);
      const files = [...r.stderr.matchAll(/(\S+ga-\d+-of-(\d+)\.png)/g)].map((m) => m[1]!);
      expect(files.length).toBeGreaterThanOrEqual(3);

      using all = await otpHome([]);
      const ok = await otp(all, ["import", ...files]);
      expectOk(ok);
      expect(ok.stderr).not.toMatch(/missing/);
      expect((await list(all)).map((e) => e.account).sort()).toEqual(entries.map((e) => e.account).sort());

      using some = await otpHome([]);
      const partial = await otp(some, ["import", files[0]!, ...files.slice(2)]);
      expectOk(partial);
      expect(partial.stderr).toMatch(new RegExp(`has ${files.length} QR codes and QR code 2 is missing`));
      expect((await list(some)).length).toBeLessThan(25);
      expect((await list(some)).length).toBeGreaterThan(0);
      // the codes of an imported entry are right
      const first = (await list(some))[0]!;
      const secret = entries.find((e) => e.account === first.account)!.secret;
      expect(expectOk(await otp(some, ["code", first.name, "--at", "1767268800"])).trim()).toBe(totpRef(secret, 1767268800_000));
    },
  );
});

describe("otp add --qr", () => {
  it("adds the one account of a QR image and prints its code", async () => {
    using h = await otpHome([]);
    const r = await otp(h, ["add", "--qr", join(FIX, "ga-migration-dim13/example.png")]);
    expect(expectOk(r)).toMatch(/^Example: \d{6}\n$/);
    expect((await list(h)).map(shape)).toEqual([
      { issuer: "Example", account: "alice@google.com", type: "totp", algorithm: "SHA1", digits: 6, period: 30 },
    ]);
  });

  it("a migration code with several accounts is refused with the import hint; no QR or no URI is exit 2", async () => {
    using h = await otpHome([]);
    expectFailure(await otp(h, ["add", "--qr", join(GA, "example_export.png")]), 2, "holds 3 accounts; otp add takes one");
    expectFailure(await otp(h, ["add", "--qr", join(GA, "negative/qr_but_without_otp.png")]), 2, "holds no otpauth:// URI");
    expectFailure(await otp(h, ["add", "--qr", join(GA, "negative/text_masquerading_as_image.jpeg")]), 2, "not an image otp can read");
    expectFailure(await otp(h, ["add", "--qr", join(h.home, "nope.png")]), 2, "cannot read");
    expectFailure(await otp(h, ["add", "--qr", join(GA, "example_export.png"), "--stdin"]), 2, "one way");
    expect(await list(h)).toEqual([]);
  });
});
