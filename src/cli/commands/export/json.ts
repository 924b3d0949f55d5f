// --format json: otp's own plain export (format in core/codecs/otpvault-json.ts and the
// README): every field of every entry, recovery codes included; `otp import` reads it back.
import { encodeJsonExport } from "../../../core/codecs/otpvault-json.js";
import type { VaultData } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import { PLAIN_WARNING, checkPlain, emit, knownEntries, type ExportOptions } from "./shared.js";

export async function run(ctx: Ctx, data: VaultData, opts: ExportOptions): Promise<void> {
  const entries = knownEntries(ctx, data.entries);
  await emit(ctx, opts, new TextEncoder().encode(encodeJsonExport(entries, new Date(ctx.now()).toISOString())), entries.length);
  ctx.warn(PLAIN_WARNING);
}

export { checkPlain as check };
