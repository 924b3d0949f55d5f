// What kind of image a file is, from its first bytes (magic numbers), never from its name:
// import sends images to the QR reader and everything else to the text and file codecs. Pure.
import { InputError } from "./errors.js";

export type ImageKind = "png" | "jpeg" | "gif" | "webp" | "tiff" | "avif" | "heic" | "bmp";

/** The image formats otp reads (through sharp's prebuilt libvips). */
export const READABLE_IMAGES: readonly ImageKind[] = ["png", "jpeg", "gif", "webp", "tiff", "avif"];

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** The image kind of these bytes, or null when they do not start like an image. Never throws. */
export function imageKind(b: Uint8Array): ImageKind | null {
  if (b.length < 12) return null;
  if (b[0] === 0x89 && ascii(b, 1, 8) === "PNG\r\n\x1a\n") return "png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a") return "gif";
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "webp";
  if (ascii(b, 0, 4) === "II*\0" || ascii(b, 0, 4) === "MM\0*") return "tiff";
  if (ascii(b, 0, 2) === "BM" && b.length > 26) return "bmp";
  if (ascii(b, 4, 8) === "ftyp") {
    // ISO base media: the major brand, then compatible brands up to the box's end.
    const boxEnd = Math.min(b.length, ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0);
    const brands = [ascii(b, 8, 12)];
    for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(ascii(b, at, at + 4));
    if (brands.some((x) => x === "avif" || x === "avis")) return "avif";
    if (brands.some((x) => ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].includes(x))) return "heic";
  }
  return null;
}

export const SUPPORTED_IMAGES = "otp reads PNG, JPEG, WebP, GIF, TIFF and AVIF images";

/**
 * Throws InputError unless the bytes start like an image otp reads (`invalid-image`,
 * `unsupported-image` for HEIC and BMP). Cheap: the magic number only, nothing is decoded.
 */
export function refuseUnreadableImage(bytes: Uint8Array, name: string): void {
  const kind = imageKind(bytes);
  if (kind === "heic")
    throw new InputError("unsupported-image", `${name} is a HEIC/HEIF image, which otp cannot read`, [
      "convert it to PNG or JPEG first (e.g. `heif-convert photo.heic photo.jpg`), or take a screenshot instead",
    ]);
  if (kind === null || !READABLE_IMAGES.includes(kind))
    throw new InputError(
      kind ? "unsupported-image" : "invalid-image",
      `${name} is not an image otp can read${kind ? ` (${kind.toUpperCase()})` : ""}`,
      [SUPPORTED_IMAGES],
    );
}
