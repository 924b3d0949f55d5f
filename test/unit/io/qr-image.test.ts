// The QR image reader through the real sharp + jsQR: the corpus images (a photo of a phone's
// export screen, a clean code), the negatives, magic numbers, damaged and unsupported files,
// transparency both ways, and several codes in one image. Images are made here with sharp from
// matrices of the `qrcode` package, so these tests need no outside tool (the distortion test
// uses Debian's qrencode and ImageMagick).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { imageKind } from "../../../src/core/image-kind.js";
import { qrMatrix, qrPng } from "../../../src/io/qr-encode.js";
import { readQrCodes } from "../../../src/io/qr-image.js";

const FIX = join(import.meta.dirname, "../../fixtures");
const file = (p: string) => new Uint8Array(readFileSync(join(FIX, p)));
const URI_A = "otpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=GitHub";
const URI_B = "otpauth://totp/Bank:bob?secret=KRUGKIDROVUWG2ZAMJZG653OEBTG66BA&issuer=Bank";

/** A QR as RGBA pixels: `px` a module, 4 modules of quiet zone, dark/light colours and alphas given. */
async function qrRaw(text: string, px: number, o: { dark?: number[]; light?: number[] } = {}) {
  const m = await qrMatrix(text);
  const side = (m.size + 8) * px;
  const data = Buffer.alloc(side * side * 4);
  const dark = o.dark ?? [0, 0, 0, 255];
  const light = o.light ?? [255, 255, 255, 255];
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / px) - 4;
      const my = Math.floor(y / px) - 4;
      const on = mx >= 0 && my >= 0 && mx < m.size && my < m.size && m.dark(mx, my);
      data.set(on ? dark : light, 4 * (y * side + x));
    }
  return { data, side };
}

const png = async (raw: { data: Buffer; side: number }) =>
  new Uint8Array(
    await sharp(raw.data, { raw: { width: raw.side, height: raw.side, channels: 4 } })
      .png()
      .toBuffer(),
  );

describe("imageKind", () => {
  it("knows the formats by their first bytes, not their names", async () => {
    const img = sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } });
    expect(imageKind(new Uint8Array(await img.clone().png().toBuffer()))).toBe("png");
    expect(imageKind(new Uint8Array(await img.clone().jpeg().toBuffer()))).toBe("jpeg");
    expect(imageKind(new Uint8Array(await img.clone().webp().toBuffer()))).toBe("webp");
    expect(imageKind(new Uint8Array(await img.clone().gif().toBuffer()))).toBe("gif");
    expect(imageKind(new Uint8Array(await img.clone().tiff().toBuffer()))).toBe("tiff");
    expect(imageKind(new Uint8Array(await img.clone().avif().toBuffer()))).toBe("avif");
    const heic = new Uint8Array([0, 0, 0, 24, ...Buffer.from("ftypheic"), 0, 0, 0, 0, ...Buffer.from("mif1heic")]);
    expect(imageKind(heic)).toBe("heic");
    expect(imageKind(file("ga-migration/negative/text_masquerading_as_image.jpeg"))).toBeNull();
    expect(imageKind(new Uint8Array(0))).toBeNull();
  });
});

describe("readQrCodes", () => {
  it("reads the photographed Google Authenticator export screen and the clean dim13 code", async () => {
    const ga = JSON.parse(readFileSync(join(FIX, "ga-migration/expected.json"), "utf8")).files["example_export.png"];
    expect(await readQrCodes(file("ga-migration/example_export.png"), "example_export.png")).toEqual([ga.qr_payload]);
    expect(await readQrCodes(file("ga-migration-dim13/example.png"), "example.png")).toEqual([
      "otpauth://totp/Example:alice@google.com?issuer=Example&period=30&secret=JBSWY3DPEHPK3PXP",
    ]);
    expect(await readQrCodes(file("ga-migration/negative/qr_but_without_otp.png"), "q.png")).toEqual(["NOT A otpauth-migration:// URL"]);
  });

  it("our own PNG encoder's output reads back, also as JPEG, WebP, GIF, TIFF and AVIF", async () => {
    const png = await qrPng(URI_A);
    expect(await readQrCodes(png, "a.png")).toEqual([URI_A]);
    for (const format of ["jpeg", "webp", "gif", "tiff", "avif"] as const) {
      const bytes = new Uint8Array(await sharp(png).toFormat(format).toBuffer());
      expect(imageKind(bytes), format).toBe(format);
      expect(await readQrCodes(bytes, `a.${format}`), format).toEqual([URI_A]);
    }
  });

  it("refuses text with an image's name, damaged images, HEIC and BMP, each with its reason", async () => {
    await expect(readQrCodes(file("ga-migration/negative/text_masquerading_as_image.jpeg"), "t.jpeg")).rejects.toMatchObject({
      kind: "invalid-image",
    });
    const whole = await qrPng(URI_A);
    await expect(readQrCodes(whole.subarray(0, Math.floor(whole.length / 2)), "half.png")).rejects.toThrow(/truncated or damaged/);
    const jpeg = new Uint8Array(await sharp(whole).jpeg().toBuffer());
    await expect(readQrCodes(jpeg.subarray(0, Math.floor(jpeg.length / 2)), "half.jpg")).rejects.toThrow(/truncated or damaged/);
    const heic = new Uint8Array([0, 0, 0, 24, ...Buffer.from("ftypheic"), 0, 0, 0, 0, ...Buffer.from("mif1heic"), 0, 0, 0, 0]);
    await expect(readQrCodes(heic, "IMG_0001.HEIC")).rejects.toMatchObject({
      kind: "unsupported-image",
      message: expect.stringMatching(/HEIC/),
    });
    const bmp = new Uint8Array(64).fill(0);
    bmp.set(Buffer.from("BM"), 0);
    await expect(readQrCodes(bmp, "x.bmp")).rejects.toMatchObject({ kind: "unsupported-image" });
  });

  it("an image without a QR code is `no-qr`", async () => {
    const blank = new Uint8Array(
      await sharp({ create: { width: 300, height: 200, channels: 3, background: "#8ac" } })
        .png()
        .toBuffer(),
    );
    await expect(readQrCodes(blank, "blank.png")).rejects.toMatchObject({ kind: "no-qr", message: "no QR code found in blank.png" });
  });

  it("transparent backgrounds both ways: dark on transparent, and light on transparent (a dark-mode code)", async () => {
    expect(await readQrCodes(await png(await qrRaw(URI_A, 4, { light: [0, 0, 0, 0] })), "a.png")).toEqual([URI_A]);
    expect(await readQrCodes(await png(await qrRaw(URI_A, 4, { dark: [255, 255, 255, 0], light: [255, 255, 255, 255] })), "b.png")).toEqual(
      [URI_A],
    );
    expect(await readQrCodes(await png(await qrRaw(URI_A, 4, { dark: [255, 255, 255, 255], light: [0, 0, 0, 0] })), "c.png")).toEqual([
      URI_A,
    ]);
  });

  it("several codes in one image, each once; the first frame of an animation", async () => {
    const a = await qrRaw(URI_A, 5);
    const b = await qrRaw(URI_B, 6);
    const canvas = await sharp({ create: { width: 1400, height: 700, channels: 4, background: "#ffffff" } })
      .composite([
        { input: a.data, raw: { width: a.side, height: a.side, channels: 4 }, left: 40, top: 60 },
        { input: b.data, raw: { width: b.side, height: b.side, channels: 4 }, left: 800, top: 120 },
      ])
      .png()
      .toBuffer();
    expect((await readQrCodes(new Uint8Array(canvas), "two.png")).sort()).toEqual([URI_A, URI_B].sort());
    const gif = await sharp(await png(a))
      .gif()
      .toBuffer();
    expect(await readQrCodes(new Uint8Array(gif), "a.gif")).toEqual([URI_A]);
  });

  it("a photo turned by EXIF orientation still reads (it is read upright)", async () => {
    const rotated = await sharp(await png(await qrRaw(URI_B, 4)))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(await readQrCodes(new Uint8Array(rotated), "exif.jpg")).toEqual([URI_B]);
  });
});
