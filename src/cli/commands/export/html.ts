// --format html: the printable emergency kit (render/emergency-kit.ts): every entry with its
// QR code, grouped secret, parameters and recovery codes. A plain format: it holds every
// secret in the clear, so it needs --plain like the others. qrcode loads only here.
import { basename } from "node:path";
import { loadPackage } from "../../../core/load.js";
import { formatOtpauthUri } from "../../../core/uri.js";
import type { VaultData } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import { renderKit } from "../../render/emergency-kit.js";
import { PLAIN_WARNING, checkPlain, emit, knownEntries, type ExportOptions } from "./shared.js";

type QRCode = typeof import("qrcode");

/** The QR code of `text` as an SVG data: URL (black modules on white, 4-module quiet zone). */
export async function qrDataUrl(text: string): Promise<string> {
  const mod = await loadPackage<QRCode & { default?: QRCode }>("qrcode");
  const qr = (mod.default ?? mod) as QRCode;
  const svg = await qr.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 4, color: { dark: "#000000", light: "#ffffff" } });
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}

export async function run(ctx: Ctx, data: VaultData, opts: ExportOptions): Promise<void> {
  const entries = knownEntries(ctx, data.entries);
  const kit = [];
  for (const entry of entries) kit.push({ entry, qr: await qrDataUrl(formatOtpauthUri(entry)) });
  const html = renderKit(kit, new Date(ctx.now()).toISOString(), basename(ctx.vaultPath));
  await emit(ctx, opts, new TextEncoder().encode(html), entries.length);
  ctx.warn(PLAIN_WARNING);
  if (opts.output) ctx.info("print it from a browser (A4 or Letter); it needs no network");
}

export { checkPlain as check };
