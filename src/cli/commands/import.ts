// `otp import FILE…` (- is standard input): every otpauth:// URI of the files in one vault
// write. Duplicates (by secret, in the vault or earlier in the input) are skipped and
// counted; bad lines are reported by number and the good ones still land. Nothing at all to
// import is exit 2.
import { readFile, stat } from "node:fs/promises";
import { InputError } from "../../core/errors.js";
import { escapeForTerminal } from "../../core/text.js";
import { parseUriList, type ParsedLine } from "../../core/codecs/uri-list.js";
import { addEntry, findBySecret, type VaultData } from "../../core/vault/model.js";
import { newId } from "../../core/vault/vault.js";
import { MAX_FILE_BYTES } from "../../core/vault/format.js";
import type { Ctx } from "../context.js";
import { openVault, updateVault } from "../vault.js";

export interface ImportOptions {
  format: "auto" | "uri";
  dryRun?: boolean;
}

export async function run(ctx: Ctx, files: string[], opts: ImportOptions): Promise<void> {
  const found: ParsedLine[] = [];
  const reports: string[] = [];
  let bad = 0;
  for (const file of files) {
    const { entries, problems } = parseUriList(await readInput(ctx, file));
    const where = file === "-" ? "standard input" : file;
    for (const p of problems) reports.push(`${escapeForTerminal(where)}, line ${p.line}: ${p.reason}`);
    for (const e of entries) for (const w of e.warnings) reports.push(`${escapeForTerminal(where)}, line ${e.line}: ${w}`);
    bad += problems.length;
    found.push(...entries);
  }
  // The error line comes first on stderr; the line reports follow it as hints.
  if (found.length === 0) throw new InputError("nothing-to-import", `nothing to import${bad ? `: ${bad} bad line${bad === 1 ? "" : "s"}` : ""}`, [...reports, "expected otpauth:// URIs, one per line"]);
  for (const r of reports) ctx.warn(r);

  const vault = await openVault(ctx);
  const plan = (data: VaultData) => {
    let next = data;
    const added: string[] = [];
    let skipped = 0;
    const now = new Date(ctx.now()).toISOString();
    for (const { draft } of found) {
      if (findBySecret(next, draft.secret)) {
        skipped++;
        continue;
      }
      const r = addEntry(next, draft, newId(), now);
      next = r.data;
      added.push(r.entry.name);
    }
    return { data: next, result: { added, skipped } };
  };
  const { added, skipped } = opts.dryRun ? plan(vault.data).result : await updateVault(ctx, vault, plan);
  for (const name of added) ctx.data(`${opts.dryRun ? "would add" : "added"} ${escapeForTerminal(name)}`);
  ctx.info(`${opts.dryRun ? "would add" : "added"} ${added.length}, skipped ${skipped} already in the vault, refused ${bad}`);
}

const added0 = (r: { added: string[]; skipped: number }) => r;

async function readInput(ctx: Ctx, file: string): Promise<string> {
  if (file === "-") return ctx.readStdin();
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new InputError("invalid-file", `${file} is not a regular file`);
    if (st.size > MAX_FILE_BYTES) throw new InputError("invalid-file", `${file} is larger than 16 MiB`);
    return await readFile(file, "utf8");
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError("invalid-file", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "failed"}`);
  }
}
