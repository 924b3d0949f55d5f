// `otp export --format F`: the entries in another app's format, to standard output or
// --output FILE. One module a format under cli/commands/export/, listed in cli/commands/export/formats.ts; each
// checks what it needs (--plain for plain formats) before the vault is opened, so a refused
// export never asks a password.
import { UsageError } from "../../../core/errors.js";
import type { Ctx } from "../../context.js";
import { EXPORT_FORMATS } from "./formats.js";
import type { ExportOptions } from "./shared.js";
import { openVault } from "../../vault.js";

export type { ExportOptions };

export async function run(ctx: Ctx, opts: ExportOptions): Promise<void> {
  const entry = EXPORT_FORMATS.find((f) => f.name === opts.format);
  if (!entry)
    throw new UsageError("usage", `unknown export format "${opts.format}"`, [`one of: ${EXPORT_FORMATS.map((f) => f.name).join(", ")}`]);
  const format = await entry.load();
  format.check(ctx, opts);
  const { data } = await openVault(ctx);
  await format.run(ctx, data, opts);
}
