// `otp export --format uri --plain`: one otpauth:// URI per entry, to stdout or --output
// FILE. Plain formats hold every secret in the clear, so they need --plain, and a terminal
// needs --force (scrollback and shoulders remember).
import { UsageError } from "../../core/errors.js";
import { formatOtpauthUri } from "../../core/uri.js";
import { writeOutputFile } from "../../io/output-file.js";
import type { Ctx } from "../context.js";
import { openVault } from "../vault.js";

export interface ExportOptions {
  format: "uri";
  plain?: boolean;
  output?: string;
  force?: boolean;
}

export async function run(ctx: Ctx, opts: ExportOptions): Promise<void> {
  if (!opts.plain) throw new UsageError(`--format ${opts.format} writes every secret in the clear; add --plain to confirm`);
  if (!opts.output && ctx.stdoutIsTTY && !opts.force)
    throw new UsageError("not printing every secret to the terminal", ["use --output FILE, pipe it, or add --force"]);
  const { data } = await openVault(ctx);
  const supported = data.entries.filter((e) => ["totp", "hotp", "steam"].includes(e.type));
  for (const e of data.entries) if (!supported.includes(e)) ctx.warn(`left out "${e.name}": type ${e.type} is not known to this otp`);
  const text = supported.map((e) => formatOtpauthUri(e) + "\n").join("");
  if (opts.output) {
    await writeOutputFile(opts.output, new TextEncoder().encode(text), { force: !!opts.force, vault: ctx.vaultPath });
    ctx.info(`wrote ${supported.length} entries to ${opts.output}`);
  } else {
    ctx.write(text);
  }
  ctx.warn("this export holds your secrets in the clear: keep it safe and delete it when done");
}
