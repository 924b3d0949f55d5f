// --format aegis: an Aegis vault that Aegis and `otp import` read. Encrypted by default, with
// a password from --export-password-file or asked twice on a terminal; --plain writes it in
// the clear (with the usual warning and checks).
import { encodeAegis } from "../../../core/codecs/aegis-write.js";
import { AuthError, UsageError } from "../../../core/errors.js";
import type { VaultData } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import { readPasswordFile } from "../../vault.js";
import { PLAIN_WARNING, checkPlain, emit, knownEntries, type ExportOptions } from "./shared.js";

export function check(ctx: Ctx, opts: ExportOptions): void {
  if (opts.plain) {
    if (opts.exportPasswordFile) throw new UsageError("usage", "--plain and --export-password-file contradict each other: choose one");
    return checkPlain(ctx, opts);
  }
  if (!opts.exportPasswordFile && !ctx.canPrompt())
    throw new AuthError("no-password-source", "the encrypted Aegis export needs a password and there is no terminal to ask for it", [
      "pass --export-password-file FILE, or --plain for an unencrypted export",
    ]);
}

async function exportPassword(ctx: Ctx, opts: ExportOptions): Promise<string> {
  if (opts.exportPasswordFile) return readPasswordFile(ctx, opts.exportPasswordFile);
  const pw = await ctx.prompts.secret("Password for the Aegis export:");
  if (pw === "") throw new UsageError("usage", "the export password can't be empty", ["use --plain for an unencrypted export"]);
  if ((await ctx.prompts.secret("Repeat the password:")) !== pw) throw new UsageError("usage", "the two passwords differ; nothing written");
  return pw;
}

export async function run(ctx: Ctx, data: VaultData, opts: ExportOptions): Promise<void> {
  const entries = knownEntries(ctx, data.entries);
  const password = opts.plain ? undefined : await exportPassword(ctx, opts);
  await emit(ctx, opts, encodeAegis(entries, password), entries.length);
  if (opts.plain) ctx.warn(PLAIN_WARNING);
}
