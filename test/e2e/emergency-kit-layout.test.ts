// Issue 11: the printed emergency kit wastes no paper and prints cleanly from a browser. Four
// accounts with the recovery codes sites really hand out (GitHub's 16, Google's 10, …), printed
// by headless Chromium with its own header and footer on (date, title, file path, page number,
// as a browser prints by default): at most 2 pages on Letter and on A4; every "used DATE" of a
// used recovery code on one line of the PDF's text; and the browser's header and footer clear
// of every word of the kit (pdftotext -bbox, compared with the same page printed without them).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EntryDraft, RecoveryCode } from "../../src/core/entry.js";
import { addEntry, emptyData, updateEntry } from "../../src/core/vault/model.js";
import { createVault, newId } from "../../src/core/vault/vault.js";
import { CHEAP_KDF, otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectOk, otp } from "../helpers/e2e-util.js";
import { closeBrowser, pdfPageCount, pdfText, pdfWords, printToPdf, type Word } from "../helpers/print-pdf.js";
import { needTool } from "../helpers/tools.js";

const tools = needTool("chromium", "chromium") && needTool("pdftotext", "poppler-utils") && needTool("pdfinfo", "poppler-utils");

const T = "2026-01-01T00:00:00.000Z";
const codes = (list: string[], used: Record<number, string>): RecoveryCode[] => list.map((code, i) => ({ code, usedAt: used[i] ?? null }));
const hex = (i: number, n: number) => ((i + 1) * 2654435761).toString(16).padStart(n, "0").slice(-n);

/** GitHub: 16 codes "xxxxx-xxxxx", 3 used; Google: 10 codes "1234 5678", 2 used; AWS: none; Proton: 8 codes, 1 used, and notes. */
const ACCOUNTS: { draft: EntryDraft; recovery: RecoveryCode[] }[] = [
  {
    draft: totp("github", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", { issuer: "GitHub", account: "alice.smith@example.com" }),
    recovery: codes(
      Array.from({ length: 16 }, (_, i) => `${hex(i, 5)}-${hex(i + 40, 5)}`),
      { 0: "2026-12-04T09:15:00.000Z", 5: "2026-11-20T10:00:00.000Z", 9: "2027-01-02T23:59:00.000Z" },
    ),
  },
  {
    draft: totp("google", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", { issuer: "Google", account: "alice.smith@gmail.com" }),
    recovery: codes(
      Array.from({ length: 10 }, (_, i) => `${String(10000000 + i * 7919123).slice(0, 4)} ${String(20000000 + i * 104729).slice(-4)}`),
      { 2: "2026-12-04T12:00:00.000Z", 7: "2026-10-31T08:00:00.000Z" },
    ),
  },
  {
    draft: totp("aws", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U", {
      issuer: "Amazon Web Services",
      account: "root",
      algorithm: "SHA256",
      digits: 8,
    }),
    recovery: [],
  },
  {
    draft: {
      ...totp("proton", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", { issuer: "Proton", account: "alice@proton.me" }),
      notes: "Recovery phrase is in the safe deposit box.\nSecond line of notes.",
    },
    recovery: codes(
      Array.from({ length: 8 }, (_, i) => hex(i + 100, 8).toUpperCase()),
      { 3: "2026-09-09T09:09:09.000Z" },
    ),
  },
];
const USED_DATES = ACCOUNTS.flatMap((a) => a.recovery.flatMap((c) => (c.usedAt ? [c.usedAt.slice(0, 10)] : [])));

async function kitHome(): Promise<OtpHome> {
  const h = await otpHome();
  let data = emptyData(T);
  for (const a of ACCOUNTS) {
    const r = addEntry(data, a.draft, newId(), T);
    data = updateEntry(r.data, r.entry.id, { recoveryCodes: a.recovery }, T);
  }
  const { bytes } = await createVault("test", data, CHEAP_KDF);
  mkdirSync(dirname(h.vault), { recursive: true, mode: 0o700 });
  chmodSync(dirname(h.vault), 0o700);
  writeFileSync(h.vault, bytes, { mode: 0o600 });
  return h;
}

const PAPERS = [
  ["Letter", ""],
  ["A4", "@page { size: A4; }"],
] as const;
const paper = (html: string, css: string) => (css ? html.replace("<style>", `<style>${css}`) : html);

const overlaps = (a: Word, b: Word, gap: number) =>
  a.page === b.page && a.xMin < b.xMax + gap && b.xMin < a.xMax + gap && a.yMin < b.yMax + gap && b.yMin < a.yMax + gap;
const key = (w: Word) => `${w.page}:${w.text}:${Math.round(w.xMin)}:${Math.round(w.yMin)}`;

describe.skipIf(!tools)("the emergency kit's layout, printed with the browser's header and footer", () => {
  afterAll(closeBrowser);
  it("4 accounts: at most 2 pages on Letter and on A4, and no used date split across lines", { timeout: 240_000 }, async () => {
    await using h = await kitHome();
    const html = expectOk(otp(h, ["export", "--format", "html", "--plain", "--force"]));
    expect(USED_DATES).toHaveLength(6);
    for (const [name, css] of PAPERS) {
      const dir = mkdtempSync(join(h.home, `print-${name}-`));
      const pdf = await printToPdf(paper(html, css), dir);
      expect(pdfPageCount(pdf), name).toBeLessThanOrEqual(2);
      const text = pdfText(pdf);
      for (const d of USED_DATES) expect(text, `${name}: "used ${d}" on one line`).toContain(`used ${d}`);
    }
  });

  it("the browser's header and footer print in the page margins, clear of every word of the kit", { timeout: 240_000 }, async () => {
    await using h = await kitHome();
    const html = expectOk(otp(h, ["export", "--format", "html", "--plain", "--force"]));
    for (const [name, css] of PAPERS) {
      const dir = mkdtempSync(join(h.home, `margins-${name}-`));
      const plain = pdfWords(await printToPdf(paper(html, css), dir, { name: "plain", headerFooter: false })).words;
      const framed = pdfWords(await printToPdf(paper(html, css), dir, { name: "framed" }));
      // The kit's words are where they were without the header and footer; the rest are the browser's.
      const kitKeys = new Set(plain.map(key));
      expect(framed.words.filter((w) => kitKeys.has(key(w))).length, name).toBe(plain.length);
      const browser = framed.words.filter((w) => !kitKeys.has(key(w)));
      // the footer names the file and the page ("1/2"), on every page
      const pages = new Set(framed.words.map((w) => w.page));
      for (const p of pages)
        expect(
          browser.some((w) => w.page === p && /framed\.html/.test(w.text)),
          `${name} page ${p} footer`,
        ).toBe(true);
      for (const b of browser) {
        const hit = plain.find((w) => overlaps(w, b, 2));
        expect(
          hit,
          `${name}: the browser's "${b.text}" (page ${b.page}, y ${b.yMin.toFixed(0)}–${b.yMax.toFixed(0)}) over the kit's "${hit?.text}"`,
        ).toBeUndefined();
        // and in the margins: above or below all of the kit's words on its page
        const kit = plain.filter((w) => w.page === b.page);
        const top = Math.min(...kit.map((w) => w.yMin));
        const bottom = Math.max(...kit.map((w) => w.yMax));
        expect(b.yMax <= top || b.yMin >= bottom, `${name}: the browser's "${b.text}" between the kit's lines`).toBe(true);
      }
      expect(readFileSync(join(dir, "framed.html"), "utf8")).toContain("otp emergency kit");
    }
  });
});
