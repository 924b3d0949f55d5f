// The shape of a QR code as otp draws it (terminal, page) and the options it is made with: pure
// types, shared by the encoder (io/qr-encode.ts) and the drawings (cli/render/qr-text.ts).
export type ErrorCorrection = "L" | "M" | "Q" | "H";

export interface QrOptions {
  /** error correction; M (15 %) by default: the codes are read off a screen or paper */
  errorCorrection?: ErrorCorrection;
}

/** The modules of a QR code: `dark(x, y)` for 0 ≤ x, y < size, without the quiet zone. */
export interface QrMatrix {
  size: number;
  dark(x: number, y: number): boolean;
}
