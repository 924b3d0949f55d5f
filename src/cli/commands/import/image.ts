// `otp import` of images: a file whose bytes are an image (by magic number, never by name) is
// read for QR codes, and each code's text is read as an otpauth:// or otpauth-migration:// URI.
// Kept out of import.ts so that file stays a driver of formats. Recognising an image is cheap
// and apart from decoding it, so an import can refuse any of its files before it asks anything.
import { InputError } from "../../../core/errors.js";
import { imageKind, refuseUnreadableImage } from "../../../core/image-kind.js";
import { loadMigrationCodec } from "../../../core/codecs/google-migration.js";
import type { Decoded, ImportSource } from "../../../core/codecs/types.js";
import { parseUriItems } from "../../../core/codecs/uri-list.js";
import type { Ctx } from "../../context.js";

const IMAGE_NAME = /\.(png|jpe?g|gif|webp|tiff?|avif|heic|heif|bmp)$/i;

/**
 * Whether the input is for the image reader: false when --format names a text format or the
 * bytes are not an image. Throws InputError for an image otp cannot read (HEIC, BMP), for
 * `--format image` on a non-image, and for a file named like an image whose bytes are not one.
 */
export function isImageInput(src: ImportSource, format: string): boolean {
  const kind = imageKind(src.bytes);
  if (kind === null) {
    if (format === "image" || (format === "auto" && IMAGE_NAME.test(src.name) && src.name !== "standard input"))
      throw new InputError("invalid-image", `${src.name} is not an image: its content is not PNG, JPEG, WebP, GIF, TIFF or AVIF`, [
        "a text export can be imported with --format uri or ga",
      ]);
    return false;
  }
  if (!["auto", "image", "ga", "uri"].includes(format)) return false;
  refuseUnreadableImage(src.bytes, src.name);
  return true;
}

/** The entries of an image's QR codes. Throws InputError for an image that cannot be read or holds no QR code. */
export async function decodeImage(ctx: Ctx, src: ImportSource): Promise<Decoded> {
  const texts = await ctx.qr.readImage(src.bytes, src.name);
  const items = texts.map((text, i) => ({ text, where: `QR ${i + 1}` }));
  // Anything else in a QR (a web link, plain text) is reported with the QR's number.
  return parseUriItems(items, texts.some((t) => /otpauth-migration:/i.test(t)) ? await loadMigrationCodec() : undefined);
}
