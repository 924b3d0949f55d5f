// `otp show QUERY`: an entry's settings; the secret and URI only with --reveal, the QR only
// with --qr.
import { escapeForTerminal, safeJson } from "../../core/text.js";
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
  // Sized before anything is printed: a code that does not fit the window is not drawn at all.
  const qr = opts.qr
    ? await (
        await import("../qr-window.js")
      ).codeThatFits(ctx, uri, ctx.stdoutIsTTY, `the QR code of "${escapeForTerminal(entry.name)}"`, [
        "or use --reveal and type the secret into the phone instead",
      ])
    : undefined;
  if (opts.json) {
    ctx.data(safeJson({ ...publicEntry(entry), ...(opts.reveal ? { secret: entry.secret, uri } : {}) }, 2));
  } else {
    const extra: [string, string][] = opts.reveal
      ? [
          ["secret", entry.secret.replace(/(.{4})(?=.)/g, "$1 ")],
          ["uri", uri],
        ]
      : [];
    for (const line of detailLines(entry, extra)) ctx.data(line);
  }
  if (qr) {
    const { drawMatrix } = await import("../render/qr-text.js");
    // The hint first: the code is the last thing printed, so the window shows it whole.
    ctx.hint("scan it with your phone's authenticator; it holds the secret, so clear the screen afterwards");
    ctx.write(drawMatrix(qr, { color: ctx.color }));
  }
}
