// `otp recovery use QUERY`: prints one unused recovery code and marks it used. The choice and the
// mark happen in one locked read-modify-write, so two `use` running at once never get the same
// code; the code is printed only once the mark is on disk.
import { OtpError } from "../../../core/errors.js";
import { shellWord } from "../../../core/audit.js";
import { pickEntry, refuseSecretQuery } from "../../pick.js";
import { FEW_CODES, takeRecoveryCode } from "../../../core/recovery-codes.js";
import { escapeForTerminal } from "../../../core/text.js";
import { updateEntry } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import { openVault, updateVault } from "../../vault.js";

export async function run(ctx: Ctx, query: string): Promise<void> {
  refuseSecretQuery(query);
  const vault = await openVault(ctx);
  const entry = await pickEntry(ctx, vault.data.entries, query);
  const name = escapeForTerminal(entry.name);
  const { code, left } = await updateVault(ctx, vault, (data) => {
    const current = data.entries.find((e) => e.id === entry.id);
    if (!current) throw new OtpError("changed-on-disk", `"${name}" was removed meanwhile`);
    const nowIso = new Date(ctx.now()).toISOString();
    const taken = takeRecoveryCode(current, nowIso);
    return { data: updateEntry(data, entry.id, { recoveryCodes: taken.codes }, nowIso), result: taken };
  });
  // Codes are checked where they come in (recovery-codes.ts), so this is the code itself; one from
  // an older vault or backup that slipped past still cannot steer the terminal (core/text.ts).
  ctx.data(escapeForTerminal(code));
  const next = `generate new ones at the site, then \`otp recovery add ${escapeForTerminal(shellWord(entry.name))} --replace\``;
  if (left === 0) ctx.warn(`that was the last unused recovery code of "${name}": ${next}`);
  else if (left <= FEW_CODES) ctx.warn(`only ${left} unused recovery code${left === 1 ? "" : "s"} left for "${name}": ${next}`);
  else ctx.info(`marked it used; ${left} unused left`);
}
