// In-process (test/helpers/cli-run.ts). Issue 11 item 5: a multi-file import checks every file before it asks anything. A file no
// format claims, a non-image named like one, an image without a QR code: each is refused (exit
// 2) before the password of an encrypted export among the files is asked for; without a
// terminal that used to end in exit 4 for the password instead. The entries still land in
// the order of the files when the encrypted one is decoded last.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const FIX = join(import.meta.dirname, "../fixtures");
const APPS = join(FIX, "import/aegis-importers");
const TWOFAS = join(APPS, "2fas_authenticator_encrypted.2fas");
const PNG = join(FIX, "ga-migration/example_export.png");
const home = () => otpHome([totp("held", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]);

describe("otp import FILE…: every file is recognised before any password is asked", () => {
  it("x.2fas export.png totp_authenticator.bin: the third file is refused (exit 2), no password asked", async () => {
    using h = await home();
    const before = sha256(h.vault);
    const r = await otp(h, ["import", TWOFAS, PNG, join(APPS, "totp_authenticator.bin")]);
    expectFailure(r, 2, /totp_authenticator\.bin: this is bare base64.*try --format totp-authenticator/);
    expect(r.stderr).not.toMatch(/password|encrypted/);
    expect(sha256(h.vault)).toBe(before);
  });

  it("a file named .png that is no image is refused before the 2FAS password", async () => {
    using h = await home();
    const fake = join(h.home, "shot.png");
    writeFileSync(fake, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n");
    expectFailure(await otp(h, ["import", TWOFAS, fake]), 2, /shot\.png is not an image/);
  });

  it("an image without a QR code is refused before the 2FAS password (plain files are decoded first)", async () => {
    using h = await home();
    const blank = join(h.home, "blank.png");
    writeFileSync(
      blank,
      await sharp({ create: { width: 200, height: 200, channels: 3, background: "#ffffff" } })
        .png()
        .toBuffer(),
    );
    const r = await otp(h, ["import", TWOFAS, blank]);
    expectFailure(r, 2, /no QR code found in .*blank\.png/);
    expect(r.stderr).not.toMatch(/password|encrypted/);
  });

  it("with the password given, the entries land in the order of the files, the encrypted file's first", async () => {
    using h = await otpHome([]);
    const pw = join(h.home, "pw");
    writeFileSync(pw, "test\n");
    const plain = join(h.home, "plain.txt");
    writeFileSync(plain, "otpauth://totp/Zeta:z?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Zeta\n");
    const r = await otp(h, ["import", "--import-password-file", pw, TWOFAS, plain]);
    expect(expectOk(r).trim().split("\n")).toEqual(["added Deno", "added Airbnb", "added Issuu", "added WWE", "added Zeta"]);
    expect(r.stderr).toContain("added 5, skipped 0 already in the vault, refused 0");
  });
});
