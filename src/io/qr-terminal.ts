// A QR code drawn in the terminal, two modules a character cell (half blocks), returned as text.
// A scanner needs dark modules on a light ground and a light quiet zone around the code, and
// the terminal's own colours may be either way round: so with colour the code is drawn black
// on white explicitly (256-colour 16 and 231, which themes leave alone, unlike the 16 basic
// colours), quiet zone included, and reads the same on dark and light themes. Without colour
// (NO_COLOR, --no-color) the blocks are the dark modules, right for a light background.
import { qrMatrix, type QrMatrix } from "./qr-encode.js";

/** Modules of light border on every side, as the QR standard asks. */
export const QUIET_ZONE = 4;
const BLACK_ON_WHITE = "\x1b[38;5;16;48;5;231m";
const RESET = "\x1b[0m";

export interface DrawOptions {
  /** explicit black on white (see above); false: plain characters for a light background */
  color: boolean;
}

/** The QR code of `text`, drawn as lines of text ending in "\n". */
export async function drawQr(text: string, o: DrawOptions): Promise<string> {
  return drawMatrix(await qrMatrix(text), o);
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
