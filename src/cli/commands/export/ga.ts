// --format ga: the entries as Google Authenticator "Transfer accounts" QR codes, to scan with
// the phone (Google Authenticator › Transfer accounts › Import accounts). Drawn in the terminal
// one code at a time, or written as PNG files into --output DIR; --plain also prints the
// otpauth-migration:// URIs. Entries the app cannot hold are left out, each with a warning.
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { gaUnsupported, loadMigrationCodec, planBatches, type MigrationCodec } from "../../../core/codecs/google-migration.js";
import type { Entry } from "../../../core/entry.js";
import { InputError, OtpError, UsageError } from "../../../core/errors.js";
import { escapeForTerminal } from "../../../core/text.js";
import type { VaultData } from "../../../core/vault/model.js";
import type { QrMatrix } from "../../../core/qr-matrix.js";
import { drawMatrix, drawnSize, SCREEN_ERROR_CORRECTION } from "../../render/qr-text.js";
import type { Ctx } from "../../context.js";
import { cellWidth } from "../../render/live-view.js";
import { largestFitting, placeHeader, rowsOf, windowFor, windowTooSmall, withBeside, type WindowSize } from "../../qr-window.js";
import { knownEntries, type ExportOptions } from "./shared.js";

/** PNG codes up to version 20 (97 modules): a phone camera reads them off a screen or paper. */
const PNG_MAX_MODULES = 97;

export function check(ctx: Ctx, opts: ExportOptions): void {
  if (!opts.output && !opts.plain && !ctx.stdoutIsTTY)
    throw new UsageError("usage", "--format ga draws its QR codes on a terminal, and standard output is not one", [
      "use --output DIR for PNG files, or --plain for the otpauth-migration:// URIs",
    ]);
}

export async function run(ctx: Ctx, data: VaultData, opts: ExportOptions): Promise<void> {
  const entries = gaEntries(ctx, data.entries);
  const codec = await loadMigrationCodec();
  const onTerminal = !opts.output && ctx.stdoutIsTTY;
  const paged = onTerminal && ctx.stdinIsTTY && ctx.stderrIsTTY;
  const id = newBatchId();
  let screen: Screen | undefined;
  let batches: Entry[][];
  if (onTerminal) {
    screen = await planScreen(ctx, codec, entries, paged);
    batches = screen.batches;
  } else {
    const { matrix } = await ctx.qr.encoder();
    batches = planBatches(codec, entries, (uri) => matrix(uri).size <= PNG_MAX_MODULES);
  }
  const uris = batches.map((b, index) => codec.encode(b, { id, index, size: batches.length }));

  if (opts.output) {
    const files = await writePngs(ctx, opts, uris);
    ctx.info(
      `wrote ${entries.length} ${entries.length === 1 ? "entry" : "entries"} in ${files.length} QR ${files.length === 1 ? "code" : "codes"}: ${files.join(", ")}`,
    );
    ctx.warn("these PNG files hold your secrets in the clear: delete them once your phone has the accounts");
    if (opts.plain) for (const u of uris) ctx.data(u);
  } else if (screen) {
    await drawAll(ctx, screen, uris, batches, !!opts.plain);
  } else {
    for (const u of uris) ctx.data(u);
    ctx.warn("these URIs hold your secrets in the clear: keep them safe and delete them when done");
  }
}

/** A random batch id, positive: 5 bytes of protobuf varint where a negative int32 takes 10. */
function newBatchId(): number {
  return randomBytes(4).readUInt32BE(0) >>> 1 || 1;
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
    throw new InputError(
      "nothing-to-export",
      all.length === 0 ? "the vault is empty: nothing to export" : "no entry that Google Authenticator can hold: nothing to export",
    );
  return out;
}

const names = (b: Entry[]) => {
  const shown = b
    .slice(0, 3)
    .map((e) => escapeForTerminal(e.name))
    .join(", ");
  return b.length > 3 ? `${shown} and ${b.length - 3} more` : shown;
};

/** How the codes go on this terminal: the window, the batches, and the rows under each code. */
interface Screen {
  win: WindowSize;
  batches: Entry[][];
  /** rows under a code: the Enter prompt when paged, else the cursor's line */
  below: number;
  matrix(uri: string): QrMatrix;
}

const prompt = (i: number, n: number) =>
  `Scanned QR code ${i + 1} of ${n}? ${i + 1 < n ? "Press Enter for the next one" : "Press Enter to clear the screen"}`;
const INSTRUCTION = "on the phone: Google Authenticator › Transfer accounts › Import accounts, then scan";

/**
 * As many accounts a code (up to 10) as the window holds whole, with the prompt under it.
 * Throws windowTooSmall (exit 1) before anything is drawn when one account alone does not fit.
 */
async function planScreen(ctx: Ctx, codec: MigrationCodec, entries: Entry[], paged: boolean): Promise<Screen> {
  const win = ctx.terminal.window();
  // The longest prompt there can be: the last page's, with as many pages as accounts.
  const promptLine = `? ${prompt(entries.length - 1, entries.length)} `;
  const below = paged ? rowsOf(promptLine, win.columns) : 1;
  const max = largestFitting(win, below);
  const { matrix: encode } = await ctx.qr.encoder();
  const matrix = (uri: string) => encode(uri, { errorCorrection: SCREEN_ERROR_CORRECTION });
  const batches = planBatches(codec, entries, (uri) => matrix(uri).size <= max);
  // planBatches sizes each code as the biggest it can be drawn (part 99 of 99): no real part is bigger.
  const sized = batches.map((b) => ({ b, size: matrix(codec.encode(b, { id: 2147483647, index: 98, size: 99 })).size }));
  const over = sized.filter((s) => s.size > max);
  if (over.length > 0) {
    const worst = over.reduce((a, c) => (c.size > a.size ? c : a));
    const what = `the QR code of "${escapeForTerminal(worst.b[0]!.name)}"${over.length > 1 ? ` (the biggest of ${over.length} that do not fit)` : ""}`;
    // A window that is enough whatever its shape: the prompt on one row under the code.
    const need = windowFor(worst.size, 1);
    if (paged) need.columns = Math.max(need.columns, cellWidth(promptLine));
    throw windowTooSmall(what, need, win, ["or write PNG files to scan instead: otp export --format ga --output DIR"]);
  }
  return { win, batches, below, matrix };
}

/** Home, erase the screen, and the scrollback too (as `clear` does): no code stays behind. */
const CLEAR = "\x1b[H\x1b[2J\x1b[3J";

async function drawAll(ctx: Ctx, screen: Screen, uris: string[], batches: Entry[][], plain: boolean): Promise<void> {
  const paged = ctx.stdinIsTTY && ctx.stderrIsTTY;
  const ask = paged ? (message: string) => ctx.prompts.text(message) : undefined;
  const n = uris.length;
  // Not after the codes: it would scroll the last one's top off.
  if (!paged) ctx.hint("the codes hold your secrets: clear the screen once the phone has them");
  try {
    for (let i = 0; i < n; i++) {
      // One code on the screen at a time, so the camera cannot pick up the wrong one.
      if (paged && i > 0) ctx.write(CLEAR);
      else if (i > 0) ctx.write("\n");
      // Above the code, so it scrolls off before the code does.
      if (plain) ctx.data(uris[i]!);
      const m = screen.matrix(uris[i]!);
      const header = [...(i === 0 ? [INSTRUCTION] : []), `QR code ${i + 1} of ${n}: ${names(batches[i]!)}`];
      const { above, beside } = placeHeader(header, m.size, screen.below, screen.win, "otp: ");
      for (const line of above) ctx.info(line);
      ctx.write(withBeside(drawMatrix(m, { color: ctx.color }), drawnSize(m.size).columns, beside));
      if (ask) await ask(prompt(i, n));
    }
  } finally {
    // Also after Ctrl-C at a prompt: no code is left on the screen.
    if (paged) ctx.write(CLEAR);
  }
}

/** Writes ga-1-of-N.png … into the folder (made 0700 if missing), refusing any existing file first. */
async function writePngs(ctx: Ctx, opts: ExportOptions, uris: string[]): Promise<string[]> {
  const dir = opts.output!;
  const st = await ctx.files.stat(dir);
  if (st && !st.isDirectory)
    throw new UsageError("usage", `--output ${dir} is a file; --format ga writes PNG files into a folder`, [
      "name a folder (it is made if missing)",
    ]);
  if (!st)
    await ctx.files.mkdir(dir, { mode: 0o700 }).catch((err) => {
      throw new OtpError("io", `cannot make the folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? "failed"}`);
    });
  const files = uris.map((_, i) => join(dir, `ga-${i + 1}-of-${uris.length}.png`));
  if (!opts.force)
    for (const f of files)
      if (await ctx.files.stat(f))
        throw new OtpError("output-exists", `${f} already exists; nothing written`, ["use --force to replace it"]);
  for (let i = 0; i < uris.length; i++)
    await ctx.files.writeOutput(files[i]!, await ctx.qr.png(uris[i]!), { force: !!opts.force, vault: ctx.vaultPath });
  return files;
}
