// Where a QR code drawn in the terminal must fit: the window. A code taller than the window has
// its top scrolled off and nothing can read it, so such a code is never drawn: the command exits
// 1 naming the window it needs. Only what comes after a code counts against the rows (a prompt,
// the line the cursor is left on); lines before it are put where the code leaves room, or
// left out (see placeHeader).
import { OtpError } from "../core/errors.js";
import type { QrMatrix } from "../core/qr-matrix.js";
import type { Ctx } from "./context.js";
import { drawnSize, SCREEN_ERROR_CORRECTION } from "./render/qr-text.js";
import { cellWidth } from "./render/live-view.js";

export interface WindowSize {
  columns: number;
  rows: number;
}

export const showSize = (w: WindowSize) => `${w.columns}×${w.rows}`;

/** Rows `text` takes on lines of its own in a window `columns` wide (long lines wrap). */
export function rowsOf(text: string, columns: number): number {
  return text.split("\n").reduce((n, line) => n + Math.max(1, Math.ceil(cellWidth(line) / columns)), 0);
}

/** The window a drawing of `size` modules needs, with `below` rows under it. */
export function windowFor(size: number, below: number): WindowSize {
  const d = drawnSize(size);
  return { columns: d.columns, rows: d.rows + below };
}

/** The biggest QR code (in modules: 21, 25, … 177) whose drawing fits with `below` rows under it; 0 if none. */
export function largestFitting(win: WindowSize, below: number): number {
  for (let size = 177; size >= 21; size -= 4) {
    const need = windowFor(size, below);
    if (need.columns <= win.columns && need.rows <= win.rows) return size;
  }
  return 0;
}

/** Exit 1: what the code needs against what the window is, and the other ways (`ways`). */
export function windowTooSmall(what: string, need: WindowSize, win: WindowSize, ways: string[]): OtpError {
  return new OtpError(
    "window-too-small",
    `${what} needs a window of at least ${showSize(need)} to be scanned whole, and this one is ${showSize(win)}: nothing drawn`,
    ["make the window bigger (or the font smaller) and run it again", ...ways],
  );
}

/**
 * For a code drawn once and left on the screen (`show --qr`, `new`): the matrix of `text`,
 * once it is known to fit with the cursor's line under it when `onTerminal` (else a file or
 * pipe gets it whatever its size). Throws windowTooSmall (exit 1).
 */
export async function codeThatFits(ctx: Ctx, text: string, onTerminal: boolean, what: string, ways: string[]): Promise<QrMatrix> {
  const m = await ctx.qr.matrix(text, { errorCorrection: SCREEN_ERROR_CORRECTION });
  if (!onTerminal) return m;
  const win = ctx.terminal.window();
  const need = windowFor(m.size, 1);
  if (need.columns > win.columns || need.rows > win.rows) throw windowTooSmall(what, need, win, ways);
  return m;
}

/** Columns left beside a drawing below which text is not put there. */
const MIN_BESIDE = 24;

/**
 * Places header lines around a drawing of `size` modules with `below` rows under it: above it
 * while they fit (each line whole, in order), the rest beside it when the window leaves
 * MIN_BESIDE columns, else left out. `prefix` is what each line above is printed with ("otp: ").
 */
export function placeHeader(
  lines: string[],
  size: number,
  below: number,
  win: WindowSize,
  prefix: string,
): { above: string[]; beside: string[] } {
  const d = drawnSize(size);
  let free = win.rows - d.rows - below;
  const above: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const rows = rowsOf(prefix + lines[i]!, win.columns);
    if (rows > free) break;
    above.push(lines[i]!);
    free -= rows;
  }
  const room = win.columns - d.columns - 2;
  const beside =
    room >= MIN_BESIDE
      ? lines
          .slice(i)
          .flatMap((l) => wrap(l, room))
          .slice(0, d.rows - 2)
      : [];
  return { above, beside };
}

/** The drawing with `text` beside it, two columns to the right, from its second row (the code's first) on. */
export function withBeside(drawing: string, columns: number, text: string[]): string {
  if (text.length === 0) return drawing;
  const lines = drawing.replace(/\n$/, "").split("\n");
  return (
    lines
      .map((l, r) => {
        const t = text[r - 1];
        if (t === undefined) return l;
        const plainWidth = cellWidth(l.replace(/\x1b\[[\d;]*m/g, ""));
        return `${l}${" ".repeat(Math.max(0, columns - plainWidth) + 2)}${t}`;
      })
      .join("\n") + "\n"
  );
}

/** `text` in lines of at most `width` cells, broken at spaces where it can be. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (cellWidth(next) <= width) line = next;
    else {
      if (line) out.push(line);
      line = word;
      while (cellWidth(line) > width) {
        let cut = "";
        for (const c of line)
          if (cellWidth(cut + c) <= width) cut += c;
          else break;
        out.push(cut);
        line = line.slice(cut.length);
      }
    }
  }
  if (line) out.push(line);
  return out;
}
