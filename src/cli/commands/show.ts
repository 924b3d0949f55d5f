// `otp show QUERY`: an entry's settings; the secret and URI only with --reveal, the QR only
// with --qr.
import { safeJson } from "../../core/text.js";
import { pickEntry, refuseSecretQuery } from "../pick.js";
import { formatOtpauthUri } from "../../core/uri.js";
import type { Ctx } from "../context.js";
import { detailLines, publicEntry } from "../render/entry-view.js";
import { openVault } from "../vault.js";

export interface ShowOptions {
  reveal?: boolean;
  qr?: boolean;
  json?: boolean;
}

export async function run(ctx: Ctx, query: string, opts: ShowOptions): Promise<void> {
  refuseSecretQuery(query);
  const { data } = await openVault(ctx);
  const entry = await pickEntry(ctx, data.entries, query);
  const uri = formatOtpauthUri(entry);
  if (opts.json) {
    ctx.data(safeJson({ ...publicEntry(entry), ...(opts.reveal ? { secret: entry.secret, uri } : {}) }, 2));
  } else {
    const extra: [string, string][] = opts.reveal ? [["secret", entry.secret.replace(/(.{4})(?=.)/g, "$1 ")], ["uri", uri]] : [];
    for (const line of detailLines(entry, extra)) ctx.data(line);
  }
  if (opts.qr) {
    const { drawQr } = await import("../../io/qr-terminal.js");
    ctx.write(await drawQr(uri, { color: ctx.color }));
    ctx.hint("scan it with your phone's authenticator; it holds the secret, so clear the screen afterwards");
  }
}
