// A QR code drawn in the terminal, two modules a character cell (half blocks), returned as text.
// Pure: the matrix comes from the encoder (ctx.qr, io/qr-encode.ts) made at SCREEN_ERROR_CORRECTION.
// A scanner needs dark modules on a light ground and a light quiet zone around the code, and
// the terminal's own colours may be either way round: so with colour the code is drawn black
// on white explicitly (256-colour 16 and 231, which themes leave alone, unlike the 16 basic
// colours), quiet zone included, and reads the same on dark and light themes. Without colour
// (NO_COLOR, --no-color) the blocks are the dark modules, right for a light background.
//
// Codes on a screen are made as small as a phone still reads well, so that they fit the window:
// error correction L (7 %: a screen has no dirt, creases or wear for more to repair; paper and PNG
// files keep M) and a 2-module quiet zone, painted white, where the standard asks for 4 (zbarimg
// and jsQR read it off a dark theme as well as with 4; see the README).
import type { ErrorCorrection, QrMatrix } from "../../core/qr-matrix.js";

/** Modules of light border on every side of a terminal drawing. */
export const QUIET_ZONE = 2;
/** Error correction of the codes drawn in a terminal. */
export const SCREEN_ERROR_CORRECTION: ErrorCorrection = "L";
const BLACK_ON_WHITE = "\x1b[38;5;16;48;5;231m";
const RESET = "\x1b[0m";

export interface DrawOptions {
  /** explicit black on white (see above); false: plain characters for a light background */
  color: boolean;
}

/** Columns and rows the drawing of a QR of `size` modules takes. */
export function drawnSize(size: number): { columns: number; rows: number } {
  const side = size + 2 * QUIET_ZONE;
  return { columns: side, rows: Math.ceil(side / 2) };
}

export function drawMatrix(m: QrMatrix, o: DrawOptions): string {
  const side = m.size + 2 * QUIET_ZONE;
  const dark = (x: number, y: number) => {
    const mx = x - QUIET_ZONE;
    const my = y - QUIET_ZONE;
    return mx >= 0 && my >= 0 && mx < m.size && my < m.size && m.dark(mx, my);
  };
  const lines: string[] = [];
  for (let y = 0; y < side; y += 2) {
    let line = "";
    for (let x = 0; x < side; x++) {
      const top = dark(x, y);
      const bottom = y + 1 < side && dark(x, y + 1);
      line += top ? (bottom ? "█" : "▀") : bottom ? "▄" : " ";
    }
    lines.push(o.color ? `${BLACK_ON_WHITE}${line}${RESET}` : line.replace(/ +$/, ""));
  }
  return lines.join("\n") + "\n";
}
