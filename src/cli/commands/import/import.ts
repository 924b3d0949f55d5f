// `otp import FILE…` (- is standard input): every entry of the files in one vault write.
// Each file's format is named by --format or recognised (core/codecs). Duplicates (by secret,
// in the vault or earlier in the input) are skipped and counted; bad entries are reported
// with where they are and the good ones still land. Nothing at all to import is exit 2; a file
// that cannot be read at all stops the import before anything is written. Every file is
// recognised (or refused) before any is decoded, and files that need no password are decoded
// before those that do: the errors a user can fix come before any password is asked.
import { AuthError, InputError } from "../../../core/errors.js";
import { escapeForTerminal } from "../../../core/text.js";
import { pickCodec } from "../../../core/codecs/index.js";
import { missingParts } from "../../../core/codecs/google-migration.js";
import type { BatchPart, Codec, CodecHelpers, Decoded, ImportedEntry } from "../../../core/codecs/types.js";
import { decodeImage, isImageInput } from "./image.js";
import { addEntries, type VaultData } from "../../../core/vault/model.js";
import { newId } from "../../../core/vault/vault.js";
import { MAX_FILE_BYTES, type Envelope } from "../../../core/vault/format.js";
import { checkEntriesFit } from "../../../core/vault/size.js";
import { MAX_ENTRIES } from "../../../core/limits.js";
import type { Ctx } from "../../context.js";
import { openVault, readPasswordFile, updateVault } from "../../vault.js";
import { startProgress, type Progress } from "../../progress.js";

export interface ImportOptions {
  format: string;
  dryRun?: boolean;
  importPasswordFile?: string;
}

export async function run(ctx: Ctx, files: string[], opts: ImportOptions): Promise<void> {
  const found: ImportedEntry[] = [];
  const reports: string[] = [];
  const batches: BatchPart[] = [];
  let bad = 0;
  const inputs = await recogniseAll(ctx, files, opts.format);
  const progress = startProgress(ctx, files.length);
  let count = 0;
  const results = await decodeAll(ctx, inputs, passwordHelpers(ctx, opts, progress), progress, (d, where) => {
    count += d.entries.length + d.problems.length;
    if (count > MAX_ENTRIES)
      throw new InputError("too-large", `${where}: more than ${MAX_ENTRIES} entries to import; an export holds far fewer`, [
        "split the input into smaller files",
      ]);
  });
  progress.clear();
  for (const [i, decoded] of results.entries()) {
    const where = inputs[i]!.name;
    // Loops, not push(...): V8 overflows its stack spreading some 150,000 arguments.
    for (const b of decoded.batches ?? []) batches.push(b);
    // Codecs name entries by what the file calls them: escaped, so a label cannot steer the terminal.
    for (const n of decoded.notes) reports.push(`${where}: ${escapeForTerminal(n)}`);
    for (const p of decoded.problems) reports.push(`${where}, ${escapeForTerminal(p.where)}: ${escapeForTerminal(p.reason)}`);
    for (const e of decoded.entries)
      for (const w of e.warnings) reports.push(`${where}, ${escapeForTerminal(e.where)}: ${escapeForTerminal(w)}`);
    bad += decoded.problems.length;
    for (const e of decoded.entries) found.push(e);
  }
  // Batches (Google Authenticator's QR codes 1 of 3, …) may come in several files: judge them together.
  for (const m of missingParts(batches)) reports.push(m);
  const shown = firstReports(reports);
  // The error line comes first on stderr; the reports follow it as hints.
  if (found.length === 0)
    throw new InputError("nothing-to-import", `nothing to import${bad ? `: ${bad} bad ${bad === 1 ? "entry" : "entries"}` : ""}`, [
      ...shown,
      "`otp import --help` lists the formats otp reads",
    ]);
  for (const r of shown) ctx.warn(r);

  const vault = await openVault(ctx);
  const plan = (data: VaultData, envelope: Envelope) => {
    // Recovery codes the other app kept (Steam's revocation code, our own JSON's) ride along.
    const drafts = found.map(({ draft, recoveryCodes }) => ({
      ...draft,
      recoveryCodes: recoveryCodes?.map((c) => (typeof c === "string" ? { code: c, usedAt: null } : c)),
    }));
    const r = addEntries(data, drafts, newId, new Date(ctx.now()).toISOString(), { freeTakenNames: true });
    // Past the vault's 16 MiB the write would fail as "damaged": refuse first, naming what fits.
    checkEntriesFit(envelope, data, r.data, r.added);
    return { data: r.data, result: { added: r.added.map((e) => e.name), skipped: r.skipped } };
  };
  const { added, skipped } = opts.dryRun ? plan(vault.data, vault.envelope).result : await updateVault(ctx, vault, plan);
  for (const name of added) ctx.data(`${opts.dryRun ? "would add" : "added"} ${escapeForTerminal(name)}`);
  ctx.info(`${opts.dryRun ? "would add" : "added"} ${added.length}, skipped ${skipped} already in the vault, refused ${bad}`);
}

/** One input, recognised: its name for messages, how to read it, and its bytes when it can be read only once. */
interface Input {
  name: string;
  file: string;
  image: boolean;
  codec: Codec | null;
  /** standard input's bytes (a file is read again when it is decoded, so no more than one file is held at a time) */
  bytes?: Uint8Array;
}

/**
 * Reads every file and recognises its format (an image, a codec), or refuses it (exit 2), before
 * anything is decoded or asked: a third file otp cannot read must not cost the password typed
 * for the first.
 */
async function recogniseAll(ctx: Ctx, files: string[], format: string): Promise<Input[]> {
  const inputs: Input[] = [];
  for (const file of files) {
    const name = escapeForTerminal(file === "-" ? "standard input" : file);
    const src = { name, bytes: await readInput(ctx, file) };
    const image = isImageInput(src, format);
    inputs.push({ name, file, image, codec: image ? null : await pickCodec(src, format), bytes: file === "-" ? src.bytes : undefined });
  }
  return inputs;
}

/** Thrown by the password helper of the first pass: this input waits for the second. */
class NeedsPassword extends Error {}

/**
 * Decodes every input, those that need no password first (so their errors, too, come before a
 * prompt), then the encrypted ones. `each` sees each result as it comes (to stop a runaway
 * import early); the results are in the order of the inputs.
 */
async function decodeAll(
  ctx: Ctx,
  inputs: Input[],
  helpers: CodecHelpers,
  progress: Progress,
  each: (d: Decoded, where: string) => void,
): Promise<Decoded[]> {
  const results: Decoded[] = [];
  const later: number[] = [];
  let done = 0;
  for (const [i, input] of inputs.entries()) {
    progress.update(done, input.name);
    let asked = false;
    const first: CodecHelpers = {
      password: () => {
        asked = true;
        throw new NeedsPassword();
      },
    };
    try {
      results[i] = await decodeOne(ctx, input, first);
    } catch (err) {
      // Whatever a codec made of the refusal, an input that asked is decoded again with a password.
      if (!asked) throw err;
      later.push(i);
      continue;
    }
    each(results[i]!, input.name);
    done++;
  }
  for (const i of later) {
    progress.update(done++, inputs[i]!.name);
    results[i] = await decodeOne(ctx, inputs[i]!, helpers);
    each(results[i]!, inputs[i]!.name);
  }
  return results;
}

async function decodeOne(ctx: Ctx, input: Input, helpers: CodecHelpers): Promise<Decoded> {
  const src = { name: input.name, bytes: input.bytes ?? (await readInput(ctx, input.file)) };
  return input.image ? decodeImage(ctx, src) : input.codec!.decode(src, helpers);
}

/** Problems are listed up to a screenful: a file of 8 million bad lines says so in a few. */
const MAX_REPORTS = 100;

function firstReports(reports: string[]): string[] {
  if (reports.length <= MAX_REPORTS) return reports;
  return [...reports.slice(0, MAX_REPORTS), `… and ${reports.length - MAX_REPORTS} more like these`];
}

/** Passwords of encrypted exports: --import-password-file, else a hidden prompt, else exit 4. */
function passwordHelpers(ctx: Ctx, opts: ImportOptions, progress: Progress): CodecHelpers {
  return {
    async password(what, retry) {
      if (opts.importPasswordFile) {
        if (retry) throw new AuthError("wrong-password", `wrong password for ${what}`, ["check --import-password-file"]);
        return readPasswordFile(ctx, opts.importPasswordFile);
      }
      if (!ctx.canPrompt())
        throw new AuthError("no-password-source", `${what} is encrypted and there is no terminal to ask for its password`, [
          "pass --import-password-file FILE",
        ]);
      progress.clear();
      if (retry) ctx.warn("wrong password, try again");
      return ctx.prompts.secret(`Password of ${what}:`);
    },
  };
}

async function readInput(ctx: Ctx, file: string): Promise<Uint8Array> {
  if (file === "-") return ctx.readStdinBytes();
  try {
    const read = await ctx.files.readRegular(file, MAX_FILE_BYTES);
    if (read === "not-regular") throw new InputError("invalid-file", `${file} is not a regular file`);
    if (read === "too-large") throw new InputError("invalid-file", `${file} is larger than 16 MiB`);
    return read.bytes;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError("invalid-file", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "failed"}`);
  }
}
