// `otp add [NAME]`: one entry from exactly one source (--uri, --secret, --stdin, or hidden
// prompts on a terminal), checked, refused when its secret is already in the vault (unless
// --force), and confirmed by printing its name and current code.
import { normaliseSecret, secretBits } from "../../../core/base32.js";
import { checkDraft, counterAfter, type Algorithm, type EntryDraft, type OtpType } from "../../../core/entry.js";
import { InputError, UsageError } from "../../../core/errors.js";
import { generateCode } from "../../../core/otp.js";
import { escapeForTerminal } from "../../../core/text.js";
import { parseOtpauthUri } from "../../../core/uri.js";
import { addEntry, findBySecret, updateEntry } from "../../../core/vault/model.js";
import { newId } from "../../../core/vault/vault.js";
import type { Ctx } from "../../context.js";
import { codeLine } from "../../render/code-line.js";
import { looksLikeSecret, mayAskPassword, openVault, refuseSecretInArgv, updateVault } from "../../vault.js";
import type { QrImage } from "./qr.js";

/** checkName's limit (core/vault/model.ts) */
const MAX_NAME = 200;

export interface AddOptions {
  uri?: string;
  qr?: string;
  secret?: string;
  stdin?: boolean;
  issuer?: string;
  account?: string;
  type?: OtpType;
  algorithm?: string;
  digits?: number;
  period?: number;
  counter?: number;
  tag?: string[];
  notes?: string;
  force?: boolean;
}

export async function run(ctx: Ctx, name: string | undefined, opts: AddOptions): Promise<void> {
  refuseSecretInArgv(name, "NAME");
  const sources = [opts.uri !== undefined, opts.secret !== undefined, !!opts.stdin, opts.qr !== undefined].filter(Boolean).length;
  if (sources > 1) throw new UsageError("usage", "give the secret one way: --uri, --secret, --stdin or --qr");
  if ((opts.stdin || opts.qr === "-") && ctx.passwordFile === "-")
    throw new UsageError("usage", `${opts.stdin ? "--stdin" : "--qr -"} and --password-file - both want standard input`);
  // Numbers from flags are judged before anything is read or asked: a bad --digits must not
  // cost the user a typed secret.
  checkFlags(opts);
  if (opts.secret !== undefined)
    ctx.warn("--secret is visible to other processes (ps) and stays in your shell history; prefer --stdin or the prompt");
  // An image is read and checked first, but decoded only after the password prompt: a password
  // typed ahead during the decode would be echoed in clear. --stdin typed at a terminal: unlock
  // first, so the prompts come before the paste. Elsewhere check the input first, before any KDF.
  const image = opts.qr !== undefined ? await (await import("./qr.js")).readQrImage(ctx, opts.qr) : null;
  const pasteAtTerminal = !!opts.stdin && ctx.stdinIsTTY;
  const early = pasteAtTerminal || (image && mayAskPassword(ctx)) ? await openVault(ctx) : null;
  if (pasteAtTerminal) ctx.info("paste the secret or otpauth:// URI, then press Enter");
  const draft = image ? await fromQrImage(ctx, image) : await readDraft(ctx, opts, name);
  const checked = finish(draft, opts, name);
  const bits = secretBits(checked.secret);
  if (bits < 128) ctx.warn(`this secret is only ${bits} bits; RFC 4226 asks sites for at least 128`);

  const vault = early ?? (await openVault(ctx));
  const entry = await updateVault(ctx, vault, (data) => {
    const holder = findBySecret(data, checked.secret);
    if (holder && !opts.force)
      throw new InputError("duplicate-secret", `the vault already holds this secret, in "${holder.name}"`, [
        "use --force to add it again anyway",
      ]);
    const now = new Date(ctx.now()).toISOString();
    const added = addEntry(data, checked, newId(), now);
    if (added.entry.type !== "hotp") return { data: added.data, result: added.entry };
    // The confirmation code uses counter c, so the vault moves on to c + 1 in the same write.
    const next = counterAfter(added.entry.counter ?? 0);
    return { data: updateEntry(added.data, added.entry.id, { counter: next }, now), result: added.entry };
  });
  const { code, remainingMs, period } = generateCode(entry, ctx.now());
  ctx.info(`added "${escapeForTerminal(entry.name)}"; check this code with the site before you rely on it`);
  ctx.data(`${escapeForTerminal(entry.name)}: ${ctx.stdoutIsTTY ? codeLine(code, remainingMs, period, ctx.color) : code}`);
}

/** The draft with the flags applied, checked. Throws InputError (exit 2). */
function finish(draft: EntryDraft, opts: AddOptions, name: string | undefined): EntryDraft {
  const d = applyFlags(draft, opts);
  if (name !== undefined) d.name = name;
  const checked = checkDraft(d);
  // The confirmation code uses the counter and the vault moves past it: that must fit.
  if (checked.type === "hotp") counterAfter(checked.counter ?? 0);
  return checked;
}

/**
 * Refuses out-of-range --digits, --period and --counter at once, each where the type given
 * (or any type, when a URI may bring it) uses it. Throws InputError (exit 2).
 */
function checkFlags(o: AddOptions): void {
  const base = { issuer: "", account: "", secret: "", algorithm: "SHA1" as Algorithm, digits: o.digits ?? 6 };
  if (o.type !== "steam" && o.digits !== undefined) checkDraft({ ...base, type: "totp" });
  if ((o.type ?? "totp") === "totp" && o.period !== undefined) checkDraft({ ...base, type: "totp", period: o.period });
  if ((o.type ?? "hotp") === "hotp" && o.counter !== undefined)
    counterAfter(checkDraft({ ...base, type: "hotp", counter: o.counter }).counter ?? 0);
}

/** Builds the draft from the one source given (not an image); the caller applies the flags. */
async function readDraft(ctx: Ctx, opts: AddOptions, name: string | undefined): Promise<EntryDraft> {
  if (opts.uri !== undefined) return fromUri(ctx, opts.uri);
  if (opts.secret !== undefined) return secretDraft(opts.secret);
  if (opts.stdin) {
    // The first line with something on it: no waiting for the end of input, and a runaway
    // input stops at the line cap (64 KiB) with exit 2.
    const what = "`otp add --stdin` reads one secret or otpauth:// URI, on one line";
    const text = (
      await ctx.readStdinLine({ skipBlank: true, hint: what, oneLine: `${what}; \`otp import -\` reads a list of URIs` })
    ).trim();
    if (text === "") throw new InputError("invalid-secret", "standard input was empty; expected a secret or an otpauth:// URI");
    return /^otpauth:/i.test(text) ? fromUri(ctx, text) : secretDraft(text);
  }
  // No source given: hidden prompts on a terminal.
  if (!ctx.stdinIsTTY)
    throw new UsageError("usage", "no secret given", ["pass it on standard input with --stdin, or use --uri; see `otp add --help`"]);
  return askDraft(ctx, opts, name);
}

/**
 * The hidden prompt for a secret or URI, then issuer and account: each answer is judged as it
 * is given (a secret that is not base32, a URI's digits, period, counter or type out of range)
 * and asked again with the reason, so nothing typed before is lost.
 */
async function askDraft(ctx: Ctx, opts: AddOptions, name: string | undefined): Promise<EntryDraft> {
  const judge = async (answer: string) => {
    const text = answer.trim();
    const parsed = /^otpauth:/i.test(text) ? parseOtpauthUri(text) : { draft: secretDraft(text), warnings: [] };
    finish(parsed.draft, opts, name);
    return { ...parsed, uri: /^otpauth:/i.test(text) };
  };
  const retry = (err: unknown, attempt: number) => (err instanceof InputError && attempt < 3 ? `${err.message}; try again` : null);
  const { draft, warnings, uri } = await ctx.prompts.secretChecked("Secret or otpauth:// URI (hidden):", judge, retry, (m) => ctx.warn(m));
  for (const w of warnings) ctx.warn(w);
  if (uri) return draft;
  const field = (what: string) => (v: string) => {
    if (looksLikeSecret(v)) return `that looks like a secret; the ${what} is a name, e.g. the site's`;
    // Without NAME the entry is named after the issuer (or else the account).
    if (name === undefined && v.trim().length > MAX_NAME) return `a name is at most ${MAX_NAME} characters`;
    return true;
  };
  opts.issuer ??= (await ctx.prompts.text("Issuer (e.g. GitHub):", "", field("issuer"))).trim();
  opts.account ??= (await ctx.prompts.text("Account (e.g. you@example.com):", "", field("account"))).trim();
  return draft;
}

function secretDraft(text: string): EntryDraft {
  return { issuer: "", account: "", type: "totp", secret: normaliseSecret(text), algorithm: "SHA1", digits: 6 };
}

function fromUri(ctx: Ctx, uri: string): EntryDraft {
  const { draft, warnings } = parseOtpauthUri(uri);
  for (const w of warnings) ctx.warn(w);
  return draft;
}

/** The one account in a QR image (otpauth://, or a Google Authenticator code holding one account). */
async function fromQrImage(ctx: Ctx, image: QrImage): Promise<EntryDraft> {
  const { decodeQrImage } = await import("./qr.js");
  const { entries, problems } = await decodeQrImage(ctx, image);
  if (entries.length === 0)
    throw new InputError(
      "invalid-uri",
      `the QR code in ${image.name} holds no otpauth:// URI`,
      problems.map((p) => `${p.where}: ${p.reason}`),
    );
  if (entries.length > 1)
    throw new InputError("several-entries", `${image.name} holds ${entries.length} accounts; otp add takes one`, [
      `\`otp import ${image.name}\` adds them all`,
    ]);
  for (const w of entries[0]!.warnings) ctx.warn(w);
  return entries[0]!.draft;
}

function applyFlags(d: EntryDraft, o: AddOptions): EntryDraft {
  const out: EntryDraft = { ...d };
  if (o.issuer !== undefined) out.issuer = o.issuer;
  if (o.account !== undefined) out.account = o.account;
  if (o.type !== undefined) out.type = o.type;
  if (o.algorithm !== undefined) out.algorithm = o.algorithm.toUpperCase() as Algorithm;
  if (o.digits !== undefined) out.digits = o.digits;
  if (o.period !== undefined) out.period = o.period;
  if (o.counter !== undefined) out.counter = o.counter;
  if (o.tag !== undefined) out.tags = o.tag;
  if (o.notes !== undefined) out.notes = o.notes;
  return out;
}
