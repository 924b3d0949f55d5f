// The terminal QR drawing: it holds exactly the code's modules with its quiet zone (QUIET_ZONE, 2 modules), in
// explicit black on white with colour (so dark and light themes show the same picture) and
// in plain blocks without; a real scanner (zbarimg) reads the drawing as each theme shows it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { qrMatrix } from "../../../../src/io/qr-encode.js";
import { drawMatrix, drawnSize, QUIET_ZONE, SCREEN_ERROR_CORRECTION, type DrawOptions } from "../../../../src/cli/render/qr-text.js";
import { DARK, LIGHT, parseCells, renderTerminal, type Theme } from "../../../helpers/terminal-image.js";
import { needTool } from "../../../helpers/tools.js";

/** The code as otp draws it on a screen: the encoder at the screen's error correction, then the drawing. */
const drawQr = async (text: string, o: DrawOptions) => drawMatrix(await qrMatrix(text, { errorCorrection: SCREEN_ERROR_CORRECTION }), o);

const URI = "otpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=GitHub";

describe("drawMatrix", () => {
  it("holds exactly the modules, with the quiet zone, two modules a character", async () => {
    const m = await qrMatrix(URI);
    for (const color of [true, false]) {
      const cells = parseCells(drawMatrix(m, { color }).replace(/\n$/, ""), LIGHT);
      const side = m.size + 2 * QUIET_ZONE;
      expect(cells).toHaveLength(drawnSize(m.size).rows);
      const dark = (x: number, y: number) => {
        const ch = cells[Math.floor(y / 2)]?.[x]?.ch ?? " ";
        return ch === "█" || (y % 2 === 0 ? ch === "▀" : ch === "▄");
      };
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++) {
          const inside = x >= QUIET_ZONE && y >= QUIET_ZONE && x < QUIET_ZONE + m.size && y < QUIET_ZONE + m.size;
          expect(dark(x, y), `module ${x},${y}`).toBe(inside && m.dark(x - QUIET_ZONE, y - QUIET_ZONE));
        }
    }
  });

  it("with colour every line is black on white (256-colour 16 on 231) and resets at its end", async () => {
    const text = await drawQr(URI, { color: true });
    for (const line of text.trimEnd().split("\n")) expect(line).toMatch(/^\x1b\[38;5;16;48;5;231m[ █▀▄]+\x1b\[0m$/);
    expect(await drawQr(URI, { color: false })).not.toContain("\x1b");
  });
});

describe.skipIf(!needTool("zbarimg", "zbar-tools"))("the drawing scans (zbarimg)", () => {
  const scan = async (text: string, theme: Theme) => {
    const dir = mkdtempSync(join(tmpdir(), "otp-qrterm-"));
    try {
      const file = join(dir, "screen.png");
      writeFileSync(file, await renderTerminal(parseCells(text.trimEnd(), theme), theme));
      return execFileSync("zbarimg", ["-q", "--raw", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("with colour on a dark theme and on a light theme; plain on a light theme", async () => {
    const colour = await drawQr(URI, { color: true });
    expect(await scan(colour, DARK)).toBe(URI);
    expect(await scan(colour, LIGHT)).toBe(URI);
    expect(await scan(await drawQr(URI, { color: false }), LIGHT)).toBe(URI);
  });
});
