// The printable emergency kit (`otp export --format html`): one self-contained HTML page,
// no network (no external CSS, fonts, scripts or images: QR codes are inline data: URLs),
// black on white, sized for both A4 and Letter (content at most 170 mm wide), and a page
// break never inside an account's block. Compact, so accounts share pages (four with the
// recovery codes sites hand out take two pages): the fields in two columns beside the QR code,
// the recovery codes across the whole block in as many columns as their longest line allows,
// and a "used DATE" never broken across lines. The page margins (16 mm top and bottom) leave
// the browser room for its own header and footer (date, title, file path, page number).
// Pure: entries, QR images and the date come in.
import type { Entry, RecoveryCode } from "../../core/entry.js";
import { escapeHtml as esc } from "../../core/text.js";

export interface KitEntry {
  entry: Entry;
  /** data: URL of the QR code of the entry's otpauth:// URI */
  qr: string;
}

/** The secret in groups of four, for reading aloud or typing: "JBSW Y3DP EHPK 3PXP". */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/** The fields a restore needs, as two columns of [label, value] pairs. */
function fields(e: Entry): [[string, string][], [string, string][]] {
  const type = e.type === "steam" ? "Steam Guard (5 characters)" : e.type.toUpperCase();
  return [
    [
      ["Name in otp", e.name],
      ["Issuer", e.issuer || "—"],
      ["Account", e.account || "—"],
    ],
    [
      ["Type", type],
      ["Algorithm", e.algorithm],
      ["Digits", String(e.digits)],
      e.type === "hotp"
        ? ["Counter", `${e.counter ?? 0} (the next code's; it has moved on if codes were used after this was printed)`]
        : ["Period", `${e.period ?? 30} seconds`],
    ],
  ];
}

function fieldTable(e: Entry): string {
  const [left, right] = fields(e);
  const cell = (f: [string, string] | undefined) => (f ? `<th>${f[0]}</th><td>${esc(f[1])}</td>` : `<th></th><td></td>`);
  const rows = Array.from({ length: Math.max(left.length, right.length) }, (_, i) => `<tr>${cell(left[i])}${cell(right[i])}</tr>`);
  return `<table>\n${rows.join("\n")}\n</table>`;
}

/** Monospace characters of one recovery code's line: the number (at least 3 wide: .n), a space, the code and " used YYYY-MM-DD". */
const lineChars = (c: RecoveryCode, count: number) => Math.max(3, String(count).length + 1) + 1 + [...c.code].length + (c.usedAt ? 16 : 0);

/**
 * Columns for the recovery codes: the most (up to 4) whose width, out of 170 mm less 5 mm
 * between columns, holds the longest line on one line at 9 pt monospace (DejaVu Sans Mono
 * advances 0.602 em, 1.91 mm; reckoned at 2 mm). A longer line still wraps, before its date.
 */
export function codeColumns(codes: RecoveryCode[]): number {
  const need = 2 * Math.max(0, ...codes.map((c) => lineChars(c, codes.length)));
  for (let k = 4; k > 1; k--) if ((170 - 5 * (k - 1)) / k >= need) return k;
  return 1;
}

function recovery(e: Entry): string {
  const codes = e.recoveryCodes ?? [];
  if (codes.length === 0)
    return `<p class="none">No recovery codes stored for this account. Keep the site's own recovery codes with this page.</p>`;
  const unused = codes.filter((c) => !c.usedAt).length;
  const items = codes
    .map((c, i) => {
      const n = `<span class="n">${i + 1}.</span> `;
      // The date in one no-wrap piece: a line may break before it, never inside it.
      return c.usedAt
        ? `<li class="used">${n}<s>${esc(c.code)}</s> <span class="when">used ${esc(c.usedAt.slice(0, 10))}</span></li>`
        : `<li>${n}${esc(c.code)}</li>`;
    })
    .join("");
  return `<h3>Recovery codes: ${unused} of ${codes.length} unused</h3><ol class="codes cols-${codeColumns(codes)}">${items}</ol>`;
}

function block(k: KitEntry, i: number, n: number): string {
  const e = k.entry;
  const title = e.issuer || e.name;
  return `<section class="entry">
<div class="qr"><img src="${k.qr}" alt="QR code for ${esc(title)}" width="144" height="144"></div>
<div class="info">
<h2>${i + 1}. ${esc(title)} <span class="of">account ${i + 1} of ${n}</span></h2>
${fieldTable(e)}
<p class="secret-label">Secret (base32)</p>
<p class="secret">${esc(groupSecret(e.secret))}</p>
</div>
<div class="recovery">
${recovery(e)}
${e.notes ? `<p class="notes">Notes: ${e.notes.split(/\r?\n/).map(esc).join("<br>")}</p>` : ""}
</div>
</section>`;
}

const CSS = `
@page { margin: 16mm 14mm; }
* { box-sizing: border-box; }
html, body { background: #fff; color: #000; }
body { font: 9.5pt/1.3 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0 auto; max-width: 170mm; }
h1 { font-size: 16pt; margin: 0 0 1.5mm; }
h2 { font-size: 12pt; margin: 0 0 1.5mm; }
h3 { font-size: 9.5pt; margin: 0 0 1mm; }
p { margin: 0 0 2mm; }
.restore { border: 0.4mm solid #000; padding: 2mm 3mm; margin: 0 0 4mm; break-inside: avoid; page-break-inside: avoid; }
.restore ol { margin: 1mm 0 0; padding-left: 6mm; }
.entry { display: flex; flex-wrap: wrap; column-gap: 5mm; border-top: 0.4mm solid #000; padding: 3mm 0 2mm; break-inside: avoid; page-break-inside: avoid; }
.qr { flex: 0 0 38mm; }
.qr img { width: 38mm; height: 38mm; image-rendering: pixelated; display: block; }
.info { flex: 1 1 100mm; min-width: 0; }
.of { float: right; font-size: 8pt; font-weight: normal; color: #555; }
table { border-collapse: collapse; }
th { text-align: left; font-weight: normal; color: #333; padding: 0 3mm 0.3mm 0; vertical-align: top; white-space: nowrap; }
td { padding: 0 6mm 0.3mm 0; vertical-align: top; overflow-wrap: anywhere; }
.secret-label { margin: 1.5mm 0 0; color: #333; }
.secret { font: 11pt/1.3 "DejaVu Sans Mono", "Liberation Mono", monospace; letter-spacing: 0.2mm; margin: 0; overflow-wrap: anywhere; }
.recovery { flex: 1 0 100%; margin-top: 2mm; }
.codes { font: 9pt/1.3 "DejaVu Sans Mono", "Liberation Mono", monospace; list-style: none; margin: 0; padding: 0; column-gap: 5mm; }
.cols-2 { column-count: 2; } .cols-3 { column-count: 3; } .cols-4 { column-count: 4; }
.codes li { break-inside: avoid; overflow-wrap: anywhere; }
.codes .n { display: inline-block; min-width: 3ch; text-align: right; }
.used { color: #555; }
.when { white-space: nowrap; }
.none, .notes { margin: 1.5mm 0 0; }
.warning { font-weight: bold; }
@media screen { body { padding: 10mm; } }
`;

/** The whole kit. `generatedAt` is ISO-8601; `vaultName` names the vault the entries came from. */
export function renderKit(entries: KitEntry[], generatedAt: string, vaultName: string): string {
  const date = generatedAt.slice(0, 10);
  const n = entries.length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>otp emergency kit, ${esc(date)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>otp emergency kit</h1>
<p class="meta">Printed from the vault <b>${esc(vaultName)}</b> on <b>${esc(date)}</b> (${esc(generatedAt)}): ${n} ${n === 1 ? "account" : "accounts"}.</p>
<p class="warning">This page holds every secret in the clear. Anyone who sees it can make your codes: keep it locked away, and shred old copies.</p>
<div class="restore">
<b>How to restore</b>
<ol>
<li>With a phone: in any authenticator app (Aegis, 2FAS, Google Authenticator, …) choose “scan a QR code” and scan each account's code below.</li>
<li>With otp: <code>otp add NAME --stdin</code>, then type the secret (spaces do not matter), and add <code>--type</code>, <code>--algorithm</code>, <code>--digits</code> and <code>--period</code> or <code>--counter</code> when they differ from TOTP, SHA1, 6 digits, 30 seconds.</li>
<li>Check one code against the site before you rely on it. Lost the device and these? Each account's recovery codes are listed with it; a used one is crossed out.</li>
</ol>
</div>
${entries.map((k, i) => block(k, i, n)).join("\n")}
</body>
</html>
`;
}
