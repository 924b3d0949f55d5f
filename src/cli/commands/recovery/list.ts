// `otp recovery list QUERY`: the entry's recovery codes, used ones marked with when. Codes are
// masked but for their last two characters unless --reveal (they are as good as the seed).
import { pickEntry, refuseSecretQuery } from "../../pick.js";
import { maskCode, unusedCount } from "../../../core/recovery-codes.js";
import { escapeForTerminal, safeJson } from "../../../core/text.js";
import type { Ctx } from "../../context.js";
import { table } from "../../render/entry-view.js";
import { openVault } from "../../vault.js";

export async function run(ctx: Ctx, query: string, opts: { reveal?: boolean; json?: boolean }): Promise<void> {
  refuseSecretQuery(query);
  const { data } = await openVault(ctx);
  const entry = await pickEntry(ctx, data.entries, query);
  const codes = entry.recoveryCodes ?? [];
  const shown = (c: string) => escapeForTerminal(opts.reveal ? c : maskCode(c));
  if (opts.json) {
    ctx.data(
      safeJson(
        {
          name: entry.name,
          total: codes.length,
          unused: unusedCount(codes),
          codes: codes.map((c) => ({
            code: opts.reveal ? c.code : maskCode(c.code),
            used: c.usedAt !== null && c.usedAt !== undefined,
            usedAt: c.usedAt ?? null,
          })),
        },
        2,
      ),
    );
    return;
  }
  const name = escapeForTerminal(entry.name);
  if (codes.length === 0) {
    ctx.info(`"${name}" has no recovery codes`);
    ctx.hint(`get them from the site's 2FA settings, then \`otp recovery add ${name}\``);
    return;
  }
  for (const line of table(
    codes.map((c, i) => [`${i + 1}.`, shown(c.code), c.usedAt ? escapeForTerminal(`used ${c.usedAt.replace(/\.\d+Z$/, "Z")}`) : ""]),
  ))
    ctx.data(line);
  ctx.info(`${unusedCount(codes)} of ${codes.length} unused${opts.reveal ? "" : "; --reveal shows the codes"}`);
}
