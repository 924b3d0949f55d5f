// Turns what a terminal printed (text with SGR colour escapes) back into a picture, as a
// terminal with a given theme would show it, so a QR code drawn in the terminal can be checked
// with a real scanner (zbarimg). Half blocks: each character cell is one module wide and two
// tall (▀ top, ▄ bottom, █ both in the foreground colour; the rest in the background colour).
import sharp from "sharp";

export interface Theme {
  fg: [number, number, number];
  bg: [number, number, number];
}
export const DARK: Theme = { fg: [220, 220, 220], bg: [24, 24, 24] };
export const LIGHT: Theme = { fg: [30, 30, 30], bg: [255, 255, 255] };

type Rgb = [number, number, number];
interface Cell {
  ch: string;
  fg: Rgb;
  bg: Rgb;
}

/** xterm's 256-colour palette for the entries a QR drawing may use (greys and the cube). */
function palette(n: number): Rgb {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return [v, v, v];
  }
  if (n >= 16) {
    const i = n - 16;
    const step = (k: number) => (k === 0 ? 0 : 55 + k * 40);
    return [step(Math.floor(i / 36)), step(Math.floor(i / 6) % 6), step(i % 6)];
  }
  const basic: Rgb[] = [
    [0, 0, 0],
    [205, 0, 0],
    [0, 205, 0],
    [205, 205, 0],
    [0, 0, 238],
    [205, 0, 205],
    [0, 205, 205],
    [229, 229, 229],
  ];
  return n < 8 ? basic[n]! : [255, 255, 255];
}

/** The lines of `text` as cells, SGR colours applied (only what drawings use: 0, 39, 49, 30–37, 40–47, 38;5;N, 48;5;N). */
export function parseCells(text: string, theme: Theme): Cell[][] {
  let fg = theme.fg;
  let bg = theme.bg;
  return text
    .replace(/\r/g, "")
    .split("\n")
    .map((line) => {
      const cells: Cell[] = [];
      const re = /\x1b\[([\d;]*)m|([^\x1b])/gu;
      for (let m = re.exec(line); m; m = re.exec(line)) {
        if (m[2] !== undefined) {
          cells.push({ ch: m[2], fg, bg });
          continue;
        }
        const p = (m[1] || "0").split(";").map(Number);
        for (let i = 0; i < p.length; i++) {
          const c = p[i]!;
          if (c === 0) [fg, bg] = [theme.fg, theme.bg];
          else if (c === 39) fg = theme.fg;
          else if (c === 49) bg = theme.bg;
          else if (c >= 30 && c <= 37) fg = palette(c - 30);
          else if (c >= 40 && c <= 47) bg = palette(c - 40);
          else if ((c === 38 || c === 48) && p[i + 1] === 5) {
            if (c === 38) fg = palette(p[i + 2]!);
            else bg = palette(p[i + 2]!);
            i += 2;
          }
        }
      }
      return cells;
    });
}

/** A PNG of the lines as the theme shows them, `px` pixels a module, with 4 cells of the theme's background around. */
export async function renderTerminal(lines: Cell[][], theme: Theme, px = 6): Promise<Buffer> {
  const margin = 4;
  const cols = Math.max(...lines.map((l) => l.length)) + 2 * margin;
  const rows = lines.length + 2 * margin;
  const width = cols * px;
  const height = rows * 2 * px;
  const data = Buffer.alloc(width * height * 3);
  // One pixel row at a time, copied down its px rows (a fill per pixel cost ~20 ms a screen).
  const row = Buffer.alloc(width * 3);
  const paint = (from: number, to: number, rgb: Rgb) => {
    for (let x = from; x < to; x++) row.set(rgb, 3 * x);
  };
  const emit = (pixelRow: number) => {
    for (let y = 0; y < px; y++) row.copy(data, (pixelRow * px + y) * width * 3);
  };
  paint(0, width, theme.bg);
  for (let r = 0; r < 2 * rows; r++) emit(r);
  lines.forEach((line, r) => {
    for (let half = 0; half < 2; half++) {
      paint(0, width, theme.bg);
      line.forEach((cell, c) => {
        const on = cell.ch === "█" || cell.ch === (half === 0 ? "▀" : "▄");
        paint((c + margin) * px, (c + margin + 1) * px, on ? cell.fg : cell.bg);
      });
      emit((r + margin) * 2 + half);
    }
  });
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** The block of lines that holds the drawing: from the first to the last line with a block character. */
export function qrBlock(text: string): string {
  const lines = text.replace(/\r/g, "").split("\n");
  const isQr = (l: string) => /[█▀▄]/.test(l);
  const first = lines.findIndex(isQr);
  const last = lines.length - 1 - [...lines].reverse().findIndex(isQr);
  if (first < 0) throw new Error("no QR drawing in the text");
  // A colour drawing's quiet zone is drawn too: lines of spaces on the drawing's colours.
  const quiet = (l: string | undefined) => l !== undefined && /^(\x1b\[[\d;]*m)+ +(\x1b\[0m)?$/.test(l);
  let from = first;
  let to = last;
  while (quiet(lines[from - 1])) from--;
  while (quiet(lines[to + 1])) to++;
  return lines.slice(from, to + 1).join("\n");
}
