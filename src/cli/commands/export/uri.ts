// --format uri: one otpauth:// URI per entry, what most apps import.
import { formatOtpauthUri } from "../../../core/uri.js";
import type { VaultData } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import { PLAIN_WARNING, checkPlain, emit, knownEntries, type ExportOptions } from "./shared.js";

export async function run(ctx: Ctx, data: VaultData, opts: ExportOptions): Promise<void> {
  const entries = knownEntries(ctx, data.entries);
  await emit(ctx, opts, new TextEncoder().encode(entries.map((e) => formatOtpauthUri(e) + "\n").join("")), entries.length);
  ctx.warn(PLAIN_WARNING);
}

export { checkPlain as check };
