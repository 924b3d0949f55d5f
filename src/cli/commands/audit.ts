// `otp audit`: what could cost an account (core/audit.ts, io/file-audit.ts), each finding with
// what to do. Exit 0 when nothing is found, 1 otherwise, so it can run from cron.
import { auditVault, type Finding } from "../../core/audit.js";
import { OtpError } from "../../core/errors.js";
import { escapeForTerminal, safeJson } from "../../core/text.js";
import type { Ctx } from "../context.js";
import { openVault } from "../vault.js";

export async function run(ctx: Ctx, opts: { json?: boolean }): Promise<void> {
  const files = await ctx.process.fileFindings(ctx.vaultPath, ctx.now());
  let findings = files.findings;
  // Others can write the vault or its folder: otp will not open it until that is fixed.
  if (!files.blocking) {
    const vault = await openVault(ctx);
    findings = [...findings, ...auditVault(vault.data, vault.envelope)];
  }
  if (opts.json) ctx.data(safeJson({ vault: ctx.vaultPath, ok: findings.length === 0, findings }, 2));
  else for (const f of findings) for (const line of render(f)) ctx.data(line);
  if (findings.length === 0)
    return ctx.info("nothing found: every entry has recovery codes, the vault is backed up, has a recovery key and safe files");
  if (files.blocking) ctx.info("the rest of the audit needs the vault to open: fix its permissions, then run `otp audit` again");
  throw new OtpError(
    "audit-findings",
    `${findings.length} finding${findings.length === 1 ? "" : "s"} could cost you an account; each says what to do`,
  );
}

function render(f: Finding): string[] {
  return [`- ${escapeForTerminal(f.message)}`, `  fix: ${escapeForTerminal(f.fix)}`];
}
