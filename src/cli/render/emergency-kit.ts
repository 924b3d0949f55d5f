// The printable emergency kit (`otp export --format html`): one self-contained HTML page,
// no network (no external CSS, fonts, scripts or images: QR codes are inline data: URLs),
// black on white, sized for both A4 and Letter (content at most 170 mm wide), and a page
// break never inside an account's block. Pure: entries, QR images and the date come in.
import type { Entry } from "../../core/entry.js";
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

function parameters(e: Entry): string {
  const type = e.type === "steam" ? "Steam Guard (5 characters)" : e.type.toUpperCase();
  const rows: [string, string][] = [
    ["Type", type],
    ["Algorithm", e.algorithm],
    ["Digits", String(e.digits)],
    e.type === "hotp" ? ["Counter", `${e.counter ?? 0} (the next code's; it has moved on if codes were used after this was printed)`] : ["Period", `${e.period ?? 30} seconds`],
  ];
  return rows.map(([k, v]) => `<tr><th>${k}</th><td>${esc(v)}</td></tr>`).join("");
}

function recovery(e: Entry): string {
  const codes = e.recoveryCodes ?? [];
  if (codes.length === 0) return `<p class="none">No recovery codes stored for this account. Keep the site's own recovery codes with this page.</p>`;
  const unused = codes.filter((c) => !c.usedAt).length;
  const items = codes.map((c) => (c.usedAt ? `<li class="used"><s>${esc(c.code)}</s> used ${esc(c.usedAt.slice(0, 10))}</li>` : `<li>${esc(c.code)}</li>`)).join("");
  return `<h3>Recovery codes: ${unused} of ${codes.length} unused</h3><ol class="codes">${items}</ol>`;
}

function block(k: KitEntry, i: number, n: number): string {
  const e = k.entry;
  const title = e.issuer || e.name;
  return `<section class="entry">
<div class="qr"><img src="${k.qr}" alt="QR code for ${esc(title)}" width="170" height="170"></div>
<div class="info">
<h2>${i + 1}. ${esc(title)}</h2>
<table>
<tr><th>Name in otp</th><td>${esc(e.name)}</td></tr>
<tr><th>Issuer</th><td>${esc(e.issuer) || "—"}</td></tr>
<tr><th>Account</th><td>${esc(e.account) || "—"}</td></tr>
${parameters(e)}
</table>
<p class="secret-label">Secret (base32)</p>
<p class="secret">${esc(groupSecret(e.secret))}</p>
${recovery(e)}
${e.notes ? `<p class="notes">Notes: ${e.notes.split(/\r?\n/).map(esc).join("<br>")}</p>` : ""}
</div>
<p class="of">account ${i + 1} of ${n}</p>
</section>`;
}

const CSS = `
@page { margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
html, body { background: #fff; color: #000; }
body { font: 10.5pt/1.35 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0 auto; max-width: 170mm; padding: 6mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 0 0 2mm; }
h3 { font-size: 10.5pt; margin: 3mm 0 1mm; }
.meta { margin: 0 0 4mm; }
.restore { border: 0.4mm solid #000; padding: 3mm 4mm; margin: 0 0 5mm; break-inside: avoid; page-break-inside: avoid; }
.restore ol { margin: 1mm 0 0; padding-left: 6mm; }
.entry { display: flex; flex-wrap: wrap; gap: 5mm; border-top: 0.4mm solid #000; padding: 4mm 0 3mm; break-inside: avoid; page-break-inside: avoid; }
.qr { flex: 0 0 46mm; }
.qr img { width: 46mm; height: 46mm; image-rendering: pixelated; display: block; }
.info { flex: 1 1 100mm; min-width: 0; }
table { border-collapse: collapse; }
th { text-align: left; font-weight: normal; color: #333; padding: 0 4mm 0.5mm 0; vertical-align: top; white-space: nowrap; }
td { padding: 0 0 0.5mm; overflow-wrap: anywhere; }
.secret-label { margin: 2mm 0 0; color: #333; }
.secret { font: 12pt/1.3 "DejaVu Sans Mono", "Liberation Mono", monospace; letter-spacing: 0.3mm; margin: 0.5mm 0 0; overflow-wrap: anywhere; }
.codes { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; columns: 2; margin: 0; padding-left: 7mm; }
.used { color: #555; }
.none, .notes { margin: 2mm 0 0; }
.of { flex: 1 0 100%; margin: 0; font-size: 8pt; color: #555; text-align: right; }
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
