// Reading QR codes from images: sharp decodes (PNG, JPEG, WebP, GIF, TIFF, AVIF), jsQR reads.
// Screenshots and photos are not clean QR files, so the image goes through a ladder of views,
// cheapest first, until one reads: downscaled (jsQR is slow on big images and reads a big QR
// at any size), with contrast normalised, at full size (a small QR in a big page), denoised,
// upscaled and thresholded (1–2 pixels a module), and with transparency put on black as well
// as white (a light-on-transparent code). jsQR tries both polarities, so dark-mode codes read.
// More than one QR in an image: each one read is painted over and the same view read again.
// sharp and jsqr are loaded only here.
import { InputError } from "../core/errors.js";
import { refuseUnreadableImage, SUPPORTED_IMAGES as SUPPORTED } from "../core/image-kind.js";
import { loadPackage } from "../core/load.js";

type Sharp = typeof import("sharp").default;
type JsQr = typeof import("jsqr").default;

/** Images with more pixels are refused: a decompression bomb must not take the machine's memory. */
const MAX_PIXELS = 100_000_000;
/** The first views are scaled down to this size (jsQR's time grows with the pixels): enough for a QR that fills part of the frame. */
const FIRST_SIDE = 800;
/** Then this size: a QR that is small in a screenshot. */
const SECOND_SIDE = 1600;
/** Full size is capped here; bigger photos are read at this size at most. */
const FULL_SIDE = 4096;
const MAX_CODES = 32;

interface Raw {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * The texts of every QR code in the image, in the order found (duplicates once). `name` is how
 * messages call the image. Throws InputError: `invalid-image` (not an image, truncated or
 * damaged, too big), `unsupported-image` (HEIC, BMP), `no-qr` (an image without a readable QR).
 */
export async function readQrCodes(bytes: Uint8Array, name: string): Promise<string[]> {
  refuseUnreadableImage(bytes, name);
  const [{ default: sharp }, { default: jsQR }] = await Promise.all([
    loadPackage<{ default: Sharp }>("sharp"),
    loadPackage<{ default: JsQr }>("jsqr"),
  ]);
  const { side, hasAlpha } = await inspect(sharp, bytes, name);
  for (const view of views(sharp, bytes, side, hasAlpha)) {
    const raw = await view().catch((err) => {
      throw unreadable(err, name);
    });
    const texts = readAll(jsQR, raw);
    if (texts.length > 0) return texts;
  }
  throw new InputError("no-qr", `no QR code found in ${name}`, [
    "use a screenshot or photo where the whole QR code is sharp, with its white border; or crop the image to the code",
  ]);
}

/** Reads the header: size and alpha. Damage further in shows when the first view decodes. */
async function inspect(sharp: Sharp, bytes: Uint8Array, name: string): Promise<{ side: number; hasAlpha: boolean }> {
  try {
    const meta = await open(sharp, bytes).metadata();
    return { side: Math.max(meta.width ?? 0, meta.height ?? 0), hasAlpha: !!meta.hasAlpha };
  } catch (err) {
    throw unreadable(err, name);
  }
}

function unreadable(err: unknown, name: string): InputError {
  if (/pixel limit/i.test(String((err as Error)?.message ?? "")))
    return new InputError("invalid-image", `${name} is too large (over ${MAX_PIXELS / 1e6} megapixels)`, [
      "scale it down or crop it to the QR code",
    ]);
  return new InputError("invalid-image", `${name} cannot be read as an image: it is truncated or damaged`, [SUPPORTED]);
}

function open(sharp: Sharp, bytes: Uint8Array) {
  // First frame only (GIF, WebP); upright as the EXIF orientation says (phone photos).
  return sharp(bytes, { failOn: "truncated", limitInputPixels: MAX_PIXELS, animated: false }).rotate();
}

type View = () => Promise<Raw>;
interface ViewOptions {
  /** the longer side in pixels */
  side: number;
  background: string;
  normalise?: boolean;
  median?: boolean;
  /** black and white at mid-grey after normalising: sharp edges for tiny modules jsQR's local binarizer blurs */
  threshold?: boolean;
}

/** The ladder: each view is decoded only when the ones before it found nothing. */
function* views(sharp: Sharp, bytes: Uint8Array, side: number, hasAlpha: boolean): Generator<View> {
  const full = Math.min(side, FULL_SIDE);
  const first = Math.min(side, FIRST_SIDE);
  const second = Math.min(side, SECOND_SIDE);
  for (const background of hasAlpha ? ["#ffffff", "#000000"] : ["#ffffff"]) {
    const v =
      (s: number, o: Partial<ViewOptions> = {}): View =>
      () =>
        render(sharp, bytes, { side: s, background, ...o });
    yield v(first);
    yield v(first, { normalise: true });
    if (second > first) yield v(second);
    if (full > second) {
      yield v(full);
      yield v(full, { normalise: true });
    }
    yield v(second, { median: true, normalise: true });
    // Small modules (1–2 pixels a module): a cubic upscale gives jsQR clean edges.
    if (side <= 1000) {
      yield v(side * 3, { normalise: true });
      yield v(side * 3, { threshold: true });
      if (side <= 600) yield v(side * 4, { threshold: true });
    } else if (side <= 2000) {
      yield v(side * 2, { normalise: true });
      yield v(side * 2, { threshold: true });
    }
  }
}

async function render(sharp: Sharp, bytes: Uint8Array, o: ViewOptions): Promise<Raw> {
  let img = open(sharp, bytes).flatten({ background: o.background });
  img = img.resize({ width: o.side, height: o.side, fit: "inside", kernel: "cubic" });
  if (o.median) img = img.median(3);
  if (o.normalise || o.threshold) img = img.normalise();
  if (o.threshold) img = img.threshold(128, { greyscale: false });
  // Never .greyscale(): jsQR wants four channels, and one-channel output breaks its binarizer.
  const { data, info } = await img.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Reads QR codes from one view until none is left, painting each one found over. */
function readAll(jsQR: JsQr, raw: Raw): string[] {
  const texts: string[] = [];
  for (let i = 0; i < MAX_CODES; i++) {
    const code = scan(jsQR, raw);
    if (!code) break;
    if (code.data !== "" && !texts.includes(code.data)) texts.push(code.data);
    const l = code.location;
    paintOver(raw, [l.topLeftCorner, l.topRightCorner, l.bottomLeftCorner, l.bottomRightCorner]);
  }
  return texts;
}

function scan(jsQR: JsQr, raw: Raw): ReturnType<JsQr> {
  try {
    return jsQR(raw.data, raw.width, raw.height, { inversionAttempts: "attemptBoth" });
  } catch {
    // jsQR has crashing corner cases (a matrix it cannot extract): that view has no code.
    return null;
  }
}

/** Fills the code's bounding box (and a margin of a tenth) with its surroundings' colour. */
function paintOver(raw: Raw, corners: { x: number; y: number }[]): void {
  const xs = corners.map((c) => c.x);
  const ys = corners.map((c) => c.y);
  const pad = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 10 + 2;
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - pad));
  const x1 = Math.min(raw.width - 1, Math.ceil(Math.max(...xs) + pad));
  const y0 = Math.max(0, Math.floor(Math.min(...ys) - pad));
  const y1 = Math.min(raw.height - 1, Math.ceil(Math.max(...ys) + pad));
  const at = (4 * (y0 * raw.width + x0)) | 0;
  const fill = [raw.data[at]!, raw.data[at + 1]!, raw.data[at + 2]!];
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const p = 4 * (y * raw.width + x);
      raw.data[p] = fill[0]!;
      raw.data[p + 1] = fill[1]!;
      raw.data[p + 2] = fill[2]!;
      raw.data[p + 3] = 255;
    }
}
