// --format ga: the entries as Google Authenticator "Transfer accounts" QR codes, to scan with
// the phone (Google Authenticator › Transfer accounts › Import accounts). Drawn in the terminal
// one code at a time, or written as PNG files into --output DIR; --plain also prints the
// otpauth-migration:// URIs. Entries the app cannot hold are left out, each with a warning.
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { gaUnsupported, loadMigrationCodec, planBatches } from "../../core/codecs/google-migration.js";
import type { Entry } from "../../core/entry.js";
import { InputError, OtpError, UsageError } from "../../core/errors.js";
import { escapeForTerminal } from "../../core/text.js";
import type { VaultData } from "../../core/vault/model.js";
import { writeOutputFile } from "../../io/output-file.js";
import { qrEncoder, qrPng } from "../../io/qr-encode.js";
import type { Ctx } from "../context.js";
import { knownEntries, type ExportOptions } from "./shared.js";

/** PNG codes up to version 20 (97 modules): a phone camera reads them off a screen or paper. */
const PNG_MAX_MODULES = 97;
/** In a terminal, never smaller than version 6, even in a tiny window: one account always fits. */
const TERMINAL_MIN_MODULES = 41;

export function check(ctx: Ctx, opts: ExportOptions): void {
  if (!opts.output && !opts.plain && !ctx.stdoutIsTTY)
    throw new UsageError("--format ga draws its QR codes on a terminal, and standard output is not one", [
      "use --output DIR for PNG files, or --plain for the otpauth-migration:// URIs",
    ]);
}

export async function run(ctx: Ctx, data: VaultData, opts: ExportOptions): Promise<void> {
  const entries = gaEntries(ctx, data.entries);
  const codec = await loadMigrationCodec();
  const { matrix } = await qrEncoder();
  const onTerminal = !opts.output && ctx.stdoutIsTTY;
  const maxModules = onTerminal ? terminalModules() : PNG_MAX_MODULES;
  const batches = planBatches(codec, entries, (uri) => matrix(uri).size <= maxModules);
  const id = randomBytes(4).readInt32BE(0);
  const uris = batches.map((b, index) => codec.encode(b, { id, index, size: batches.length }));
  const label = (i: number) => `QR code ${i + 1} of ${uris.length} (${names(batches[i]!)})`;

  if (opts.output) {
    const files = await writePngs(ctx, opts, uris);
    ctx.info(`wrote ${entries.length} ${entries.length === 1 ? "entry" : "entries"} in ${files.length} QR ${files.length === 1 ? "code" : "codes"}: ${files.join(", ")}`);
    ctx.warn("these PNG files hold your secrets in the clear: delete them once your phone has the accounts");
    if (opts.plain) for (const u of uris) ctx.data(u);
  } else if (onTerminal) {
    await drawAll(ctx, uris, label, !!opts.plain);
  } else {
    for (const u of uris) ctx.data(u);
    ctx.warn("these URIs hold your secrets in the clear: keep them safe and delete them when done");
  }
}

/** The entries Google Authenticator can hold; a warning names each one left out and why. */
function gaEntries(ctx: Ctx, all: Entry[]): Entry[] {
  const out: Entry[] = [];
  for (const e of knownEntries(ctx, all)) {
    const why = gaUnsupported(e);
    if (why) ctx.warn(`left out "${escapeForTerminal(e.name)}": ${why}`);
    else out.push(e);
  }
  if (out.length === 0)
    throw new InputError("nothing-to-export", all.length === 0 ? "the vault is empty: nothing to export" : "no entry that Google Authenticator can hold: nothing to export");
  return out;
}

const names = (b: Entry[]) => {
  const shown = b.slice(0, 3).map((e) => escapeForTerminal(e.name)).join(", ");
  return b.length > 3 ? `${shown} and ${b.length - 3} more` : shown;
};

/** The biggest code that fits the window (header and prompt lines included), width and height. */
function terminalModules(): number {
  const columns = process.stdout.columns || 80;
  const rows = process.stdout.rows || 24;
  // A drawing takes size + 8 columns and (size + 8) / 2 rows (half blocks, 4-module quiet zone).
  return Math.max(TERMINAL_MIN_MODULES, Math.min(columns - 8, 2 * (rows - 4) - 8));
}

/** Home, erase the screen, and the scrollback too (as `clear` does): no code stays behind. */
const CLEAR = "\x1b[H\x1b[2J\x1b[3J";

async function drawAll(ctx: Ctx, uris: string[], label: (i: number) => string, plain: boolean): Promise<void> {
  const { drawQr } = await import("../../io/qr-terminal.js");
  const paged = ctx.stdinIsTTY && ctx.stderrIsTTY;
  const ask = paged ? (await import("../../io/prompts.js")).askText : undefined;
  ctx.info("on the phone: Google Authenticator › Transfer accounts › Import accounts, then scan");
  try {
    for (let i = 0; i < uris.length; i++) {
      // One code on the screen at a time, so the camera cannot pick up the wrong one.
      if (paged && i > 0) ctx.write(CLEAR);
      ctx.info(label(i));
      ctx.write(await drawQr(uris[i]!, { color: ctx.color }));
      if (plain) ctx.data(uris[i]!);
      if (ask) await ask(i + 1 < uris.length ? `Scanned? Press Enter for QR code ${i + 2} of ${uris.length}` : "Scanned? Press Enter to clear the screen");
      else ctx.write("\n");
    }
  } finally {
    // Also after Ctrl-C at a prompt: no code is left on the screen.
    if (paged) ctx.write(CLEAR);
  }
  if (!paged) ctx.hint("the codes hold your secrets: clear the screen once the phone has them");
}

/** Writes ga-1-of-N.png … into the folder (made 0700 if missing), refusing any existing file first. */
async function writePngs(ctx: Ctx, opts: ExportOptions, uris: string[]): Promise<string[]> {
  const dir = opts.output!;
  const st = await stat(dir).catch(() => null);
  if (st && !st.isDirectory()) throw new UsageError(`--output ${dir} is a file; --format ga writes PNG files into a folder`, ["name a folder (it is made if missing)"]);
  if (!st) await mkdir(dir, { mode: 0o700 }).catch((err) => {
    throw new OtpError("io", `cannot make the folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? "failed"}`);
  });
  const files = uris.map((_, i) => join(dir, `ga-${i + 1}-of-${uris.length}.png`));
  if (!opts.force)
    for (const f of files)
      if (await stat(f).then(() => true, () => false)) throw new OtpError("output-exists", `${f} already exists; nothing written`, ["use --force to replace it"]);
  for (let i = 0; i < uris.length; i++) await writeOutputFile(files[i]!, await qrPng(uris[i]!), { force: !!opts.force, vault: ctx.vaultPath });
  return files;
}
