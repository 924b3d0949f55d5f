// `otp export --format F`: the entries in another app's format, to standard output or
// --output FILE. One module a format under cli/export/; each checks what it needs (--plain
// for plain formats) before the vault is opened, so a refused export never asks a password.
import { UsageError } from "../../core/errors.js";
import type { VaultData } from "../../core/vault/model.js";
import type { Ctx } from "../context.js";
import type { ExportOptions } from "../export/shared.js";
import { openVault } from "../vault.js";

export type { ExportOptions };

interface ExportFormat {
  /** throws UsageError before anything is unlocked */
  check(ctx: Ctx, opts: ExportOptions): void;
  run(ctx: Ctx, data: VaultData, opts: ExportOptions): Promise<void>;
}

const FORMATS: Record<string, () => Promise<ExportFormat>> = {
  uri: () => import("../export/uri.js"),
  json: () => import("../export/json.js"),
  aegis: () => import("../export/aegis.js"),
  html: () => import("../export/html.js"),
  ga: () => import("../export/ga.js"),
};

export async function run(ctx: Ctx, opts: ExportOptions): Promise<void> {
  const load = FORMATS[opts.format];
  if (!load) throw new UsageError("usage", `unknown export format "${opts.format}"`, [`one of: ${Object.keys(FORMATS).join(", ")}`]);
  const format = await load();
  format.check(ctx, opts);
  const { data } = await openVault(ctx);
  await format.run(ctx, data, opts);
}
