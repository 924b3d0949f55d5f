// Making QR codes: PNG files and the module matrix (for drawing in a terminal or a page), with
// the `qrcode` package, loaded only here. Reusable: export --format ga, otp new, show --qr.
import { loadPackage } from "../core/load.js";

type QrCode = typeof import("qrcode");

import type { ErrorCorrection, QrMatrix, QrOptions } from "../core/qr-matrix.js";
export type { ErrorCorrection, QrMatrix, QrOptions };

const load = () => loadPackage<{ default: QrCode } & QrCode>("qrcode").then((m) => m.default ?? m);

/** The QR matrix of `text` (byte mode as qrcode picks it). Throws when the text is too long for a QR code. */
export async function qrMatrix(text: string, o: QrOptions = {}): Promise<QrMatrix> {
  return (await qrEncoder()).matrix(text, o);
}

/** The encoder, loaded: for callers that size many candidate codes (batch planning). */
export async function qrEncoder(): Promise<{ matrix(text: string, o?: QrOptions): QrMatrix }> {
  const qrcode = await load();
  return {
    matrix(text, o = {}) {
      const { size, data } = qrcode.create(text, { errorCorrectionLevel: o.errorCorrection ?? "M" }).modules;
      return { size, dark: (x, y) => data[y * size + x] === 1 };
    },
  };
}

/**
 * A PNG of `text`: black modules on white, `scale` pixels a module (8 by default, big enough
 * for a phone camera off a screen) and the 4-module quiet zone the standard asks for.
 */
export async function qrPng(text: string, o: QrOptions & { scale?: number } = {}): Promise<Uint8Array> {
  const buf = await (
    await load()
  ).toBuffer(text, {
    type: "png",
    errorCorrectionLevel: o.errorCorrection ?? "M",
    margin: 4,
    scale: o.scale ?? 8,
    color: { dark: "#000000ff", light: "#ffffffff" },
  });
  return new Uint8Array(buf);
}
