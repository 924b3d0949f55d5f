// `otp export --format html`, the printable emergency kit: opened in headless
// Chromium (Debian's chromium), printed to PDF on Letter and on A4 with the browser's own
// header and footer (as browsers print by default), the PDF turned into PNG pages with
// pdftoppm, and every QR code on every page decoded with zbarimg back to exactly the vault's
// entries. The HTML itself needs no network and shows what a restore needs.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EntryDraft } from "../../src/core/entry.js";
import { formatOtpauthUri } from "../../src/core/uri.js";
import { addEntry, emptyData, updateEntry } from "../../src/core/vault/model.js";
import { createVault, newId } from "../../src/core/vault/vault.js";
import { CHEAP_KDF, hotp, otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, newSecret, otp } from "../helpers/e2e-util.js";
import { closeBrowser, pdfPages, printToPdf } from "../helpers/print-pdf.js";
import { needTool } from "../helpers/tools.js";

const tools = needTool("chromium", "chromium") && needTool("pdftoppm", "poppler-utils") && needTool("zbarimg", "zbar-tools");

const T = "2026-01-01T00:00:00.000Z";

/** A vault holding `drafts`, the first with 3 recovery codes of which one is used. */
async function kitHome(drafts: EntryDraft[]): Promise<OtpHome> {
  const h = await otpHome();
  let data = emptyData(T);
  for (const d of drafts) data = addEntry(data, d, newId(), T).data;
  const first = data.entries[0]!;
  data = updateEntry(
    data,
    first.id,
    {
      recoveryCodes: [
        { code: "rc-one-1111", usedAt: null },
        { code: "rc-two-2222", usedAt: "2026-02-03T04:05:06.000Z" },
        { code: "rc-three-3333", usedAt: null },
      ],
    },
    T,
  );
  const { bytes } = await createVault("test", data, CHEAP_KDF);
  mkdirSync(dirname(h.vault), { recursive: true, mode: 0o700 });
  chmodSync(dirname(h.vault), 0o700);
  writeFileSync(h.vault, bytes, { mode: 0o600 });
  return h;
}

/** Every QR code on the page, as text (zbarimg exits 4 when a page has none). */
async function qrCodes(png: string): Promise<string[]> {
  const r = await new Promise<{ status: unknown; stdout: string; stderr: string }>((resolve) =>
    execFile("zbarimg", ["-q", "--raw", "-Sdisable", "-Sqrcode.enable", png], { encoding: "utf8" }, (e, stdout, stderr) =>
      resolve({ status: e ? e.code : 0, stdout, stderr }),
    ),
  );
  if (r.status === 4) return [];
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split("\n").filter((l) => l !== "");
}

describe.skipIf(!tools)("the emergency kit, printed", () => {
  afterAll(closeBrowser);
  it("Letter and A4: every QR code on every page decodes back to the vault's entries", { timeout: 240_000 }, async () => {
    const drafts: EntryDraft[] = [
      totp("github", newSecret(), { issuer: "GitHub", account: "octo@example.com" }),
      totp("aws", newSecret(32), { issuer: "AWS", account: "root", algorithm: "SHA256", digits: 8, period: 60 }),
      hotp("bank", newSecret(), 42),
      { name: "steam", issuer: "Steam", account: "gamer", type: "steam", secret: newSecret(), algorithm: "SHA1", digits: 5, period: 30 },
      totp("long", newSecret(64), {
        issuer: "Ünïcødé & <Co>",
        account: "someone.with.a.long.address@example.com",
        algorithm: "SHA512",
        digits: 7,
        period: 20,
      }),
      ...Array.from({ length: 5 }, (_, i) => totp(`extra${i}`, newSecret(), { issuer: `Service ${i}` })),
    ];
    await using h = await kitHome(drafts);
    const out = join(h.home, "kit.html");
    expectFailure(otp(h, ["export", "--format", "html", "--output", out]), 2, "--plain");
    expectOk(otp(h, ["export", "--format", "html", "--plain", "--output", out]));
    const html = readFileSync(out, "utf8");
    const uris = JSON.parse(expectOk(otp(h, ["export", "--format", "json", "--plain"]))).entries.map(
      (e: Parameters<typeof formatOtpauthUri>[0]) => formatOtpauthUri(e),
    );
    expect(uris).toHaveLength(drafts.length);

    const papers = [
      ["Letter", html],
      ["A4", html.replace("<style>", "<style>@page { size: A4; }")],
    ] as const;
    // Both papers at once: the prints take turns in the one browser, the pages are rasterized and
    // decoded (most of the time here) side by side.
    await Promise.all(
      papers.map(async ([paper, page]) => {
        const dir = mkdtempSync(join(h.home, `print-${paper}-`));
        // printed as a browser prints by default: with its own header and footer
        const pages = await pdfPages(await printToPdf(page, dir), dir);
        expect(pages.length, paper).toBeGreaterThan(1);
        const found = (await Promise.all(pages.map(qrCodes))).flat();
        expect([...found].sort(), paper).toEqual([...uris].sort());
      }),
    );
  });
});

describe("the emergency kit's HTML", () => {
  it("is self-contained and shows secret groups, parameters, recovery codes with the unused count, the date and how to restore", async () => {
    const s = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    await using h = await kitHome([totp("github", s, { issuer: "GitHub", account: "octo@example.com" }), hotp("bank", newSecret(), 42)]);
    const html = expectOk(otp(h, ["export", "--format", "html", "--plain", "--force"]));
    // no network: no scripts, links, frames or remote URLs; images are data: URLs
    expect(html).not.toMatch(/<script|<link|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(?!data:)/i);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; img-src data:/);
    expect([...html.matchAll(/<img src="data:image\/svg\+xml;base64,/g)]).toHaveLength(2);
    expect(html).toContain("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    expect(html).toContain("Recovery codes: 2 of 3 unused");
    // a used code's date in one no-wrap piece
    expect(html).toMatch(/<s>rc-two-2222<\/s> <span class="when">used 2026-02-03<\/span>/);
    expect(html).toMatch(/\.when \{ white-space: nowrap; \}/);
    expect(html).toMatch(/<th>Counter<\/th><td>42 /);
    expect(html).toMatch(/<th>Period<\/th><td>30 seconds/);
    expect(html).toMatch(/How to restore/);
    expect(html).toMatch(/on <b>\d{4}-\d\d-\d\d<\/b>/);
    // page breaks fall between blocks, never inside one; no dark backgrounds
    expect(html).toMatch(/\.entry \{[^}]*break-inside: avoid/);
    expect(html).not.toMatch(/background(-color)?: #(0|1|2|3)/);
  });
});
