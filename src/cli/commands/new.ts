// `otp new --issuer I --account A`: the site's side of enrolment (the PyOTP/Flask tutorial's
// flow): a fresh random 160-bit secret (RFC 4226 asks for at least 128), its otpauth://
// provisioning URI and its QR code, drawn on a terminal or written with --png FILE. --save also
// adds it to the vault, so `otp code` / `otp verify` can play the user's or the site's part.
import { encodeBase32 } from "../../core/base32.js";
import { checkDraft, type Algorithm, type EntryDraft } from "../../core/entry.js";
import { OtpError, UsageError } from "../../core/errors.js";
import { escapeForTerminal, safeJson } from "../../core/text.js";
import { formatOtpauthUri } from "../../core/uri.js";
import { addEntry, findByName } from "../../core/vault/model.js";
import { randomBytes } from "../../core/vault/crypto.js";
import { newId } from "../../core/vault/vault.js";
import type { Ctx } from "../context.js";
import { openVault, refuseSecretInArgv, updateVault } from "../vault.js";

export interface NewOptions {
  issuer?: string;
  account?: string;
  type?: "totp" | "hotp";
  algorithm?: string;
  digits?: number;
  period?: number;
  counter?: number;
  save?: boolean;
  name?: string;
  tag?: string[];
  png?: string;
  force?: boolean;
  json?: boolean;
}

export async function run(ctx: Ctx, opts: NewOptions): Promise<void> {
  if (!opts.issuer?.trim() || !opts.account?.trim())
    throw new UsageError("usage", "otp new needs --issuer and --account", ["e.g. otp new --issuer Example --account alice@example.com"]);
  refuseSecretInArgv(opts.name, "--name");
  if (opts.name !== undefined && !opts.save) throw new UsageError("usage", "--name names the saved entry: add --save");
  if (opts.tag !== undefined && !opts.save) throw new UsageError("usage", "--tag tags the saved entry: add --save");
  const draft: EntryDraft = checkDraft({
    issuer: opts.issuer.trim(),
    account: opts.account.trim(),
    type: opts.type ?? "totp",
    secret: encodeBase32(randomBytes(20)),
    algorithm: (opts.algorithm?.toUpperCase() ?? "SHA1") as Algorithm,
    digits: opts.digits ?? 6,
    period: opts.period,
    counter: opts.counter,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.tag !== undefined ? { tags: opts.tag } : {}),
  });
  const uri = formatOtpauthUri(draft);
  // Refused before anything is saved, so a taken --png never leaves a saved entry behind it.
  if (opts.png && !opts.force && ctx.files.exists(opts.png))
    throw new OtpError("output-exists", `${escapeForTerminal(opts.png)} already exists; nothing saved or written`, [
      "use --force to replace it",
    ]);
  // Likewise a QR code the window cannot show whole: refused (exit 1) before anything is saved.
  const qr =
    !opts.png && ctx.stdoutIsTTY && !opts.json
      ? await (
          await import("../qr-window.js")
        ).codeThatFits(ctx, uri, true, "the QR code", [
          "or write it to a PNG file with --png FILE (or pipe the output: then only the secret and the URI are printed)",
        ])
      : undefined;

  let saved: string | undefined;
  if (opts.save) {
    const vault = await openVault(ctx);
    if (opts.name !== undefined && findByName(vault.data, opts.name))
      throw new UsageError("usage", `an entry named "${escapeForTerminal(opts.name)}" already exists`, ["choose another --name"]);
    saved = await updateVault(ctx, vault, (data) => {
      const r = addEntry(data, draft, newId(), new Date(ctx.now()).toISOString());
      return { data: r.data, result: r.entry.name };
    });
  }
  if (opts.png) {
    await ctx.files.writeOutput(opts.png, await ctx.qr.png(uri), { force: !!opts.force, vault: ctx.vaultPath });
  }

  if (opts.json)
    ctx.data(safeJson({ issuer: draft.issuer, account: draft.account, secret: draft.secret, uri, ...(saved ? { name: saved } : {}) }, 2));
  else {
    ctx.data(`secret: ${draft.secret}`);
    ctx.data(`uri: ${uri}`);
  }
  if (opts.png) ctx.info(`wrote the QR code to ${escapeForTerminal(opts.png)}`);
  if (saved) ctx.info(`saved as "${escapeForTerminal(saved)}"; \`otp verify ${escapeForTerminal(saved)} CODE\` checks a code`);
  ctx.hint("show the QR code (or the secret) to the user once, then keep the secret only on the server");
  if (qr) {
    // Last, so the window shows it whole.
    const { drawMatrix } = await import("../render/qr-text.js");
    ctx.write(drawMatrix(qr, { color: ctx.color }));
  }
}
