// `otp import` of images: a file whose bytes are an image (by magic number, never by name) is
// read for QR codes, and each code's text is read as an otpauth:// or otpauth-migration:// URI.
// Kept out of import.ts so that file stays a driver of formats.
import { InputError } from "../core/errors.js";
import { imageKind } from "../core/image-kind.js";
import { loadMigrationCodec } from "../core/codecs/google-migration.js";
import type { Decoded, ImportSource } from "../core/codecs/types.js";
import { parseUriItems } from "../core/codecs/uri-list.js";

const IMAGE_NAME = /\.(png|jpe?g|gif|webp|tiff?|avif|heic|heif|bmp)$/i;

/**
 * The entries of an image's QR codes, or null when the input is not for the image reader
 * (--format names a text format, or the bytes are not an image). Throws InputError for an
 * image that cannot be read or holds no QR code, and for `--format image` on a non-image, or a
 * file named like an image whose bytes are not one.
 */
export async function decodeImageInput(src: ImportSource, format: string): Promise<Decoded | null> {
  const kind = imageKind(src.bytes);
  if (kind === null) {
    if (format === "image" || (format === "auto" && IMAGE_NAME.test(src.name) && src.name !== "standard input"))
      throw new InputError("invalid-image", `${src.name} is not an image: its content is not PNG, JPEG, WebP, GIF, TIFF or AVIF`, [
        "a text export can be imported with --format uri or ga",
      ]);
    return null;
  }
  if (!["auto", "image", "ga", "uri"].includes(format)) return null;
  const { readQrCodes } = await import("../io/qr-image.js");
  const texts = await readQrCodes(src.bytes, src.name);
  const items = texts.map((text, i) => ({ text, where: `QR ${i + 1}` }));
  // Anything else in a QR (a web link, plain text) is reported with the QR's number.
  return parseUriItems(items, texts.some((t) => /otpauth-migration:/i.test(t)) ? await loadMigrationCodec() : undefined);
}
