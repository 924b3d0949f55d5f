// Real-world QR images, made here from known URIs by an encoder otp does not use to read
// (Debian's qrencode), then distorted with ImageMagick as screenshots and photos are: scaled,
// rotated, JPEG quality 30, blurred, noisy, inverted, low contrast, pasted small into a big
// screenshot-like canvas, and mixes of these. otp's reader must read every image that Debian's
// zbarimg reads, and the inverted (dark-mode) ones, which zbarimg does not. Both rates are
// printed (the note quotes them).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readQrCodes } from "../../src/io/qr-image.js";
import { needTool } from "../helpers/tools.js";

const CONVERT = "/usr/bin/convert"; // Debian's ImageMagick, not a stand-in earlier on PATH
const tools = needTool("qrencode") && needTool("zbarimg", "zbar-tools") && needTool(CONVERT, "imagemagick");

const URIS = {
  short: "otpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=GitHub",
  hotp: "otpauth://hotp/Bank:b%C3%B6b?secret=KRUGKIDROVUWG2ZAMJZG653OEBTG66BA&issuer=Bank&counter=7&digits=8&algorithm=SHA256",
  migration:
    "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAgotCgpIZWxsbyHerb7vEhJ0ZXN0MUBleGFtcGxlMS5jb20aBVRlc3QxIAEoATACCi0KCkhlbGxvId6tvvASEnRlc3QyQGV4YW1wbGUyLmNvbRoFVGVzdDIgASgBMAIKLQoKSGVsbG8h3q2%2B8RISdGVzdDNAZXhhbXBsZTMuY29tGgVUZXN0MyABKAEwAhABGAEgACiN6K2BBA%3D%3D",
};

/** Each distortion: ImageMagick arguments between the input and the output, and the output's extension. */
const DISTORTIONS: Record<string, { args: string[]; ext?: string; inverted?: boolean }> = {
  plain: { args: [] },
  "scale 40%": { args: ["-resize", "40%"] },
  "scale 55%": { args: ["-resize", "55%"] },
  "scale 300%": { args: ["-resize", "300%"] },
  "rotate 10°": { args: ["-background", "white", "-rotate", "10"] },
  "rotate 30°": { args: ["-background", "white", "-rotate", "30"] },
  "rotate 45°": { args: ["-background", "white", "-rotate", "45"] },
  "rotate 90°": { args: ["-rotate", "90"] },
  "JPEG q30": { args: ["-quality", "30"], ext: "jpg" },
  "blur 1": { args: ["-blur", "0x1"] },
  "blur 2": { args: ["-blur", "0x2"] },
  "noise 0.5": { args: ["-attenuate", "0.5", "+noise", "Gaussian"] },
  "noise 1.2": { args: ["-attenuate", "1.2", "+noise", "Gaussian"] },
  invert: { args: ["-negate"], inverted: true },
  "low contrast": { args: ["+level", "40%,62%"] },
  "very low contrast": { args: ["+level", "45%,55%"] },
  "inverted, low contrast": { args: ["-negate", "+level", "30%,65%"], inverted: true },
  "inverted, JPEG q30": { args: ["-negate", "-quality", "30"], ext: "jpg", inverted: true },
  "small in a 1920×1080 page": {
    args: [
      "-resize",
      "70%",
      "-write",
      "mpr:qr",
      "+delete",
      "-size",
      "1920x1080",
      "xc:#f4f4f4",
      "-fill",
      "#d0d0d0",
      "-draw",
      "rectangle 0,0 1920,64",
      "mpr:qr",
      "-geometry",
      "+1300+600",
      "-composite",
    ],
  },
  "dark-mode page": {
    args: [
      "-negate",
      "-write",
      "mpr:qr",
      "+delete",
      "-size",
      "1600x900",
      "xc:#1e1e1e",
      "-fill",
      "#333333",
      "-draw",
      "rectangle 0,0 1600,48",
      "mpr:qr",
      "-geometry",
      "+500+300",
      "-composite",
    ],
    inverted: true,
  },
  "photo: scale, rotate 20°, noise, JPEG q30": {
    args: ["-resize", "60%", "-background", "white", "-rotate", "20", "-attenuate", "0.4", "+noise", "Gaussian", "-quality", "30"],
    ext: "jpg",
  },
  "blurred, low contrast, JPEG q30": { args: ["-blur", "0x1", "+level", "35%,65%", "-quality", "30"], ext: "jpg" },
};

describe.skipIf(!tools)("decode rate against zbarimg on distorted images", () => {
  const dir = mkdtempSync(join(tmpdir(), "otp-qr-distort-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every image zbarimg reads, and the inverted ones", { timeout: 240_000 }, async () => {
    const images: { name: string; uri: string; file: string; inverted: boolean }[] = [];
    for (const [kind, uri] of Object.entries(URIS)) {
      const base = join(dir, `${kind}.png`);
      execFileSync("qrencode", ["-o", base, "-s", "4", "-m", "4", "-l", "M", uri]);
      // One ImageMagick run makes all of a code's distortions, each from its own copy of the
      // code inside parentheses, with settings (-quality, -background, …) kept to their own
      // parentheses: the same pixels as a run each (checked with `compare -metric AE`), 3 starts
      // instead of 66.
      const steps: string[] = [];
      for (const [name, d] of Object.entries(DISTORTIONS)) {
        const file = join(dir, `${kind}-${Object.keys(DISTORTIONS).indexOf(name)}.${d.ext ?? "png"}`);
        steps.push("(", "+clone", ...d.args, "-write", file, "+delete", ")");
        images.push({ name: `${kind}: ${name}`, uri, file, inverted: !!d.inverted });
      }
      execFileSync(CONVERT, [base, "-respect-parentheses", ...steps, "null:"]);
    }
    const zbarText = zbarReadAll(images.map((i) => i.file));
    const rows: { name: string; ours: boolean; zbar: boolean; inverted: boolean }[] = [];
    for (const { name, uri, file, inverted } of images) {
      let ours = false;
      try {
        ours = (await readQrCodes(new Uint8Array(readFileSync(file)), file)).includes(uri);
      } catch {}
      rows.push({ name, ours, zbar: zbarText.get(file) === uri, inverted });
    }
    const rate = (f: (r: (typeof rows)[number]) => boolean) => `${rows.filter(f).length}/${rows.length}`;
    console.log(
      `QR decode rate on ${rows.length} distorted images: otp ${rate((r) => r.ours)}, zbarimg ${rate((r) => r.zbar)}\n` +
        rows.map((r) => `  ${r.ours ? "otp ✓" : "otp ✗"}  ${r.zbar ? "zbar ✓" : "zbar ✗"}  ${r.name}`).join("\n"),
    );
    expect(
      rows.filter((r) => r.zbar && !r.ours).map((r) => r.name),
      "read by zbarimg but not by otp",
    ).toEqual([]);
    expect(
      rows.filter((r) => r.inverted && !r.ours).map((r) => r.name),
      "inverted images otp cannot read",
    ).toEqual([]);
    expect(rows.filter((r) => r.ours).length).toBeGreaterThanOrEqual(rows.filter((r) => r.zbar).length);
  });
});

/**
 * zbarimg's text for each image it reads (its symbols joined by newlines, as `--raw` prints them).
 * One zbarimg for all the images (a start per image cost ~80 ms each); `--xml` says which file
 * each symbol came from. zbarimg exits 4 when some image has no symbol: its output still counts.
 */
function zbarReadAll(files: string[]): Map<string, string> {
  let xml: string;
  try {
    xml = execFileSync("zbarimg", ["-q", "--xml", ...files], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch (e) {
    xml = String((e as { stdout?: string }).stdout ?? "");
  }
  const read = new Map<string, string>();
  for (const source of xml.split("<source href='").slice(1)) {
    const file = source.slice(0, source.indexOf("'"));
    const data = [...source.matchAll(/<data><!\[CDATA\[([\s\S]*?)\]\]><\/data>/g)].map((m) => m[1]);
    if (data.length > 0) read.set(file, data.join("\n"));
  }
  return read;
}
