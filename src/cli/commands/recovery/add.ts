// `otp recovery add QUERY`: keeps the site's recovery codes beside the entry's seed. Codes come
// from --file FILE, standard input, or are pasted at a terminal; one per line or separated by
// spaces. Codes already kept are skipped; --replace drops the old ones (new codes from the site).
import { InputError, UsageError } from "../../../core/errors.js";
import { shellWord } from "../../../core/audit.js";
import { pickEntry, refuseSecretQuery } from "../../pick.js";
import { addRecoveryCodes, parseRecoveryCodes } from "../../../core/recovery-codes.js";
import { escapeForTerminal } from "../../../core/text.js";
import { updateEntry } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import { LINE_MAX_BYTES } from "../../../core/limits.js";
import { openVault, updateVault } from "../../vault.js";

export async function run(ctx: Ctx, query: string, opts: { file?: string; replace?: boolean }): Promise<void> {
  refuseSecretQuery(query);
  const fromStdin = opts.file === "-" || (opts.file === undefined && !ctx.stdinIsTTY);
  if (fromStdin && ctx.passwordFile === "-")
    throw new UsageError("usage", "--password-file - and the codes cannot both come from standard input", [
      "give the codes with --file FILE",
    ]);
  const vault = await openVault(ctx);
  const entry = await pickEntry(ctx, vault.data.entries, query);
  const name = escapeForTerminal(entry.name);
  const codes = parseRecoveryCodes(await readCodes(ctx, opts.file, fromStdin, name));
  const { added, skipped, total } = await updateVault(ctx, vault, (data) => {
    const current = data.entries.find((e) => e.id === entry.id);
    if (!current) throw new UsageError("usage", `"${name}" was removed meanwhile`);
    const r = addRecoveryCodes(current.recoveryCodes ?? [], codes, opts.replace === true);
    return {
      data: updateEntry(data, entry.id, { recoveryCodes: r.codes }, new Date(ctx.now()).toISOString()),
      result: { ...r, total: r.codes.length },
    };
  });
  const dup = skipped ? `, skipped ${skipped} already kept` : "";
  const plural = (n: number) => `${n} recovery code${n === 1 ? "" : "s"}`;
  if (opts.replace) ctx.info(`replaced the recovery codes of "${name}": it has ${plural(total)} now`);
  else ctx.info(`added ${plural(added)} to "${name}"${dup}; it has ${total} now`);
  ctx.hint(`\`otp recovery use ${escapeForTerminal(shellWord(entry.name))}\` hands one out when you need it`);
}

/** A site's recovery codes fit in far less than a line's cap; more is not a list of codes. */
const CODES_MAX_BYTES = LINE_MAX_BYTES;

async function readCodes(ctx: Ctx, file: string | undefined, fromStdin: boolean, name: string): Promise<string> {
  if (fromStdin) return ctx.readStdin(CODES_MAX_BYTES);
  if (file !== undefined) {
    try {
      return Buffer.from(await ctx.files.readCapped(file, CODES_MAX_BYTES, escapeForTerminal(file))).toString("utf8");
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError("invalid-file", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "failed"}`);
    }
  }
  return ctx.prompts.lines(`Paste the recovery codes of "${name}", one per line or separated by spaces; an empty line ends:`);
}
