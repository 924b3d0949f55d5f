// What every export format shares: the --plain and terminal checks, the entries it can hold,
// and writing the result to --output FILE (0600, never over a file without --force, never
// half-written) or standard output.
import { UsageError } from "../../../core/errors.js";
import type { Entry } from "../../../core/entry.js";
import type { Ctx } from "../../context.js";

export interface ExportOptions {
  format: string;
  plain?: boolean;
  output?: string;
  force?: boolean;
  exportPasswordFile?: string;
}

/** Refuses a plain export without --plain, and every secret on a terminal without --force. */
export function checkPlain(ctx: Ctx, opts: ExportOptions): void {
  if (!opts.plain) throw new UsageError("usage", `--format ${opts.format} writes every secret in the clear; add --plain to confirm`);
  if (!opts.output && ctx.stdoutIsTTY && !opts.force)
    throw new UsageError("usage", "not printing every secret to the terminal", ["use --output FILE, pipe it, or add --force"]);
}

/** The entries of types this otp knows; warns about each one left out. */
export function knownEntries(ctx: Ctx, entries: Entry[]): Entry[] {
  const known = entries.filter((e) => ["totp", "hotp", "steam"].includes(e.type));
  for (const e of entries) if (!known.includes(e)) ctx.warn(`left out "${e.name}": type ${e.type} is not known to this otp`);
  return known;
}

/** Writes the export to --output or standard output. */
export async function emit(ctx: Ctx, opts: ExportOptions, bytes: Uint8Array, count: number): Promise<void> {
  if (opts.output) {
    await ctx.files.writeOutput(opts.output, bytes, { force: !!opts.force, vault: ctx.vaultPath });
    ctx.info(`wrote ${count} ${count === 1 ? "entry" : "entries"} to ${opts.output}`);
  } else {
    ctx.write(new TextDecoder().decode(bytes));
  }
}

export const PLAIN_WARNING = "this export holds your secrets in the clear: keep it safe and delete it when done";
