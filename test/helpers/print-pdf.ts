// Prints an HTML page to PDF with headless Chromium (Debian's chromium; no network, a fresh
// profile), as a user's browser would: with the browser's own header and footer (date, title,
// file path, page number) unless { headerFooter: false }. One browser serves every print of a
// test file (started by the first print; the file ends it with afterAll(closeBrowser)). Then
// reads the PDF back with poppler-utils: pages as PNG (pdftoppm), the page count (pdfinfo), the
// text (pdftotext) and every word's box (pdftotext -bbox).
import { execFile, execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Chromium } from "./chromium.js";

let browser: Chromium | undefined;

/** Writes `html` as DIR/NAME.html and prints it to DIR/NAME.pdf; returns the PDF's path. */
export async function printToPdf(html: string, dir: string, o: { name?: string; headerFooter?: boolean } = {}): Promise<string> {
  const name = o.name ?? "kit";
  const page = join(dir, `${name}.html`);
  writeFileSync(page, html);
  browser ??= Chromium.launch();
  const pdf = join(dir, `${name}.pdf`);
  writeFileSync(pdf, await browser.printToPdf(`file://${page}`, { headerFooter: o.headerFooter !== false }));
  return pdf;
}

/** Ends the browser the prints started, if any, and removes its profile: afterAll(closeBrowser). */
export async function closeBrowser(): Promise<void> {
  const b = browser;
  browser = undefined;
  await b?.close();
}

/** The PDF's pages as PNG files (150 dpi), in order; async, so that several PDFs can be rasterized at once. */
export async function pdfPages(pdf: string, dir: string): Promise<string[]> {
  await promisify(execFile)("pdftoppm", ["-r", "150", "-png", pdf, join(dir, "page")]);
  return readdirSync(dir)
    .filter((f) => /^page-\d+\.png$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function pdfPageCount(pdf: string): number {
  const m = execFileSync("pdfinfo", [pdf], { encoding: "utf8" }).match(/^Pages:\s+(\d+)/m);
  if (!m) throw new Error("pdfinfo gave no page count");
  return Number(m[1]);
}

/** The PDF's text, lines as laid out (pdftotext). */
export function pdfText(pdf: string): string {
  return execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
}

export interface Word {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word with its box in points, from the top left of its page. */
export function pdfWords(pdf: string): { words: Word[]; pageHeight: number } {
  const xml = execFileSync("pdftotext", ["-bbox", pdf, "-"], { encoding: "utf8" });
  const words: Word[] = [];
  let page = 0;
  let pageHeight = 0;
  for (const m of xml.matchAll(
    /<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
  )) {
    if (m[2] !== undefined) {
      page++;
      pageHeight = Number(m[2]);
    } else words.push({ page, text: m[7]!, xMin: Number(m[3]), yMin: Number(m[4]), xMax: Number(m[5]), yMax: Number(m[6]) });
  }
  return { words, pageHeight };
}
