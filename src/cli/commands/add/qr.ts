// The accounts in a QR image given to `otp add --qr FILE` (- is standard input): every QR in
// it read as an otpauth:// or otpauth-migration:// URI. Reading the bytes (and the cheap check
// that they are an image otp reads) is apart from decoding them, so `otp add` can ask for the
// vault password in between: the decode takes a moment, and a password typed ahead of a prompt
// that has not yet turned the terminal's echo off would be shown in clear.
import { InputError } from "../../../core/errors.js";
import { loadMigrationCodec } from "../../../core/codecs/google-migration.js";
import type { Decoded } from "../../../core/codecs/types.js";
import { parseUriItems } from "../../../core/codecs/uri-list.js";
import { MAX_FILE_BYTES } from "../../../core/vault/format.js";
import { escapeForTerminal } from "../../../core/text.js";
import { refuseUnreadableImage } from "../../../core/image-kind.js";
import type { Ctx } from "../../context.js";

export interface QrImage {
  /** how messages name it */
  name: string;
  bytes: Uint8Array;
}

/** Reads the image (capped at 16 MiB) and checks that it is one otp reads. Throws InputError (exit 2). */
export async function readQrImage(ctx: Ctx, file: string): Promise<QrImage> {
  const name = escapeForTerminal(file === "-" ? "standard input" : file);
  let bytes: Uint8Array;
  if (file === "-") bytes = await ctx.readStdinBytes();
  else {
    try {
      const read = await ctx.files.readRegular(file, MAX_FILE_BYTES);
      if (read === "not-regular") throw new InputError("invalid-file", `${name} is not a regular file`);
      if (read === "too-large") throw new InputError("invalid-file", `${name} is larger than 16 MiB`);
      bytes = read.bytes;
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError("invalid-file", `cannot read ${name}: ${(err as NodeJS.ErrnoException).code ?? "failed"}`);
    }
  }
  refuseUnreadableImage(bytes, name);
  return { name, bytes };
}

/** The entries of every QR code in the image. Throws InputError when none can be read. */
export async function decodeQrImage(ctx: Ctx, image: QrImage): Promise<Decoded> {
  const texts = await ctx.qr.readImage(image.bytes, image.name);
  const items = texts.map((text, i) => ({ text, where: texts.length > 1 ? `QR ${i + 1}` : "the QR code" }));
  return parseUriItems(items, texts.some((t) => /otpauth-migration:/i.test(t)) ? await loadMigrationCodec() : undefined);
}
