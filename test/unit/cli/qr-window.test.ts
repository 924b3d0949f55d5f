// Fitting a terminal QR code to the window: the biggest code each window holds with
// a prompt row under it, and where header lines go (above while they fit, else beside, else out).
import { describe, expect, it } from "vitest";
import { largestFitting, placeHeader, rowsOf, windowFor, withBeside } from "../../../src/cli/qr-window.js";

describe("largestFitting", () => {
  // A code of S modules takes S + 4 columns and ⌈(S + 4) / 2⌉ rows (half blocks, 2-module quiet zone).
  it.each([
    [80, 24, 1, 41], // version 6
    [100, 30, 1, 53], // version 9
    [120, 40, 1, 73], // version 14
    [80, 24, 2, 37], // a prompt that wraps to 2 rows: version 5
    [40, 40, 1, 33], // columns are the limit
    [20, 10, 1, 0], // nothing fits
  ])("%i×%i with %i row(s) under it: %i modules", (columns, rows, below, size) => {
    expect(largestFitting({ columns, rows }, below)).toBe(size);
    if (size > 0) {
      const need = windowFor(size, below);
      expect(need.columns <= columns && need.rows <= rows).toBe(true);
      const next = windowFor(size + 4, below);
      expect(next.columns <= columns && next.rows <= rows).toBe(false);
    }
  });
});

describe("placeHeader", () => {
  const header = ["on the phone: Google Authenticator › Transfer accounts › Import accounts, then scan", "QR code 1 of 4: a, b, c"];
  it("puts the lines above when the rows allow", () => {
    // 45 modules: 25 rows, 49 columns; 30 rows - 25 - 1 prompt = 4 free
    expect(placeHeader(header, 45, 1, { columns: 100, rows: 30 }, "otp: ")).toEqual({ above: header, beside: [] });
  });
  it("counts a line that wraps as the rows it takes", () => {
    // at 60 columns the first line takes 2 rows: with 2 free only it fits
    expect(placeHeader(header, 45, 1, { columns: 60, rows: 28 }, "otp: ").above).toEqual([header[0]]);
    expect(rowsOf("x".repeat(121), 60)).toBe(3);
  });
  it("puts the rest beside the code when the columns leave room, wrapped, and leaves them out when not", () => {
    const p = placeHeader(header, 57, 1, { columns: 100, rows: 32 }, "otp: ");
    expect(p.above).toEqual([]);
    expect(p.beside.join(" ")).toBe(header.join(" "));
    for (const l of p.beside) expect(l.length).toBeLessThanOrEqual(100 - 61 - 2);
    expect(placeHeader(header, 57, 1, { columns: 80, rows: 32 }, "otp: ")).toEqual({ above: [], beside: [] });
  });
  it("withBeside keeps the drawing's lines and puts text two columns right of it, from the second row", () => {
    const drawing = "\x1b[0mAAAA\x1b[0m\nBB\nCCCC\n";
    expect(withBeside(drawing, 4, ["one", "two"])).toBe("\x1b[0mAAAA\x1b[0m\nBB    one\nCCCC  two\n");
  });
});
