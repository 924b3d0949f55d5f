// `otp add [NAME]`: one entry from exactly one source (--uri, --secret, --stdin, or hidden
// prompts on a terminal), checked, refused when its secret is already in the vault (unless
// --force), and confirmed by printing its name and current code.
import { normaliseSecret, secretBits } from "../../core/base32.js";
import { checkDraft, counterAfter, type Algorithm, type EntryDraft, type OtpType } from "../../core/entry.js";
import { InputError, UsageError } from "../../core/errors.js";
import { generateCode } from "../../core/otp.js";
import { escapeForTerminal } from "../../core/text.js";
import { parseOtpauthUri } from "../../core/uri.js";
import { addEntry, findBySecret, updateEntry } from "../../core/vault/model.js";
import { newId } from "../../core/vault/vault.js";
import type { Ctx } from "../context.js";
import { codeLine } from "../render/code-line.js";
import { openVault, refuseSecretInArgv, updateVault } from "../vault.js";

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
  if (sources > 1) throw new UsageError("give the secret one way: --uri, --secret, --stdin or --qr");
  if ((opts.stdin || opts.qr === "-") && ctx.passwordFile === "-") throw new UsageError(`${opts.stdin ? "--stdin" : "--qr -"} and --password-file - both want standard input`);
  if (opts.secret !== undefined) ctx.warn("--secret is visible to other processes (ps) and stays in your shell history; prefer --stdin or the prompt");
  // --stdin typed at a terminal: unlock first, so the prompts come before the paste. Elsewhere
  // check the input first, before any KDF.
  const pasteAtTerminal = !!opts.stdin && ctx.stdinIsTTY;
  const early = pasteAtTerminal ? await openVault(ctx) : null;
  if (pasteAtTerminal) ctx.info("paste the secret or otpauth:// URI, then press Enter");
  const draft = await readDraft(ctx, opts, sources === 0);
  if (name !== undefined) draft.name = name;
  const checked = checkDraft(draft);
  // The confirmation code uses the counter and the vault moves past it: that must fit.
  if (checked.type === "hotp") counterAfter(checked.counter ?? 0);
  const bits = secretBits(checked.secret);
  if (bits < 128) ctx.warn(`this secret is only ${bits} bits; RFC 4226 asks sites for at least 128`);

  const vault = early ?? (await openVault(ctx));
  const entry = await updateVault(ctx, vault, (data) => {
    const holder = findBySecret(data, checked.secret);
    if (holder && !opts.force)
      throw new InputError("duplicate-secret", `the vault already holds this secret, in "${holder.name}"`, ["use --force to add it again anyway"]);
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

/** Builds the draft from the one source given; flags fill in or override its fields. */
async function readDraft(ctx: Ctx, opts: AddOptions, ask: boolean): Promise<EntryDraft> {
  let draft: EntryDraft | null = null;
  let secretText: string | undefined = opts.secret;
  if (opts.uri !== undefined) draft = fromUri(ctx, opts.uri);
  else if (opts.qr !== undefined) draft = await fromQrImage(ctx, opts.qr);
  else if (opts.stdin) {
    // The first line with something on it: no waiting for the end of input, and a runaway
    // input stops at the line cap (64 KiB) with exit 2.
    const what = "`otp add --stdin` reads one secret or otpauth:// URI, on one line";
    const text = (await ctx.readStdinLine({ skipBlank: true, hint: what, oneLine: `${what}; \`otp import -\` reads a list of URIs` })).trim();
    if (text === "") throw new InputError("invalid-secret", "standard input was empty; expected a secret or an otpauth:// URI");
    if (/^otpauth:/i.test(text)) draft = fromUri(ctx, text);
    else secretText = text;
  } else if (ask) {
    if (!ctx.stdinIsTTY) throw new UsageError("no secret given", ["pass it on standard input with --stdin, or use --uri; see `otp add --help`"]);
    const { askSecret, askText } = await import("../../io/prompts.js");
    const text = (await askSecret("Secret or otpauth:// URI (hidden):")).trim();
    if (/^otpauth:/i.test(text)) draft = fromUri(ctx, text);
    else {
      secretText = text;
      opts.issuer ??= (await askText("Issuer (e.g. GitHub):")).trim();
      opts.account ??= (await askText("Account (e.g. you@example.com):")).trim();
    }
  }
  const base: EntryDraft = draft ?? {
    issuer: "",
    account: "",
    type: "totp",
    secret: normaliseSecret(secretText ?? ""),
    algorithm: "SHA1",
    digits: 6,
  };
  return applyFlags(base, opts);
}

function fromUri(ctx: Ctx, uri: string): EntryDraft {
  const { draft, warnings } = parseOtpauthUri(uri);
  for (const w of warnings) ctx.warn(w);
  return draft;
}

/** The one account in a QR image (otpauth://, or a Google Authenticator code holding one account). */
async function fromQrImage(ctx: Ctx, file: string): Promise<EntryDraft> {
  const { readImageQrEntries } = await import("../qr-add.js");
  const { entries, problems } = await readImageQrEntries(ctx, file);
  const shown = escapeForTerminal(file === "-" ? "standard input" : file);
  if (entries.length === 0)
    throw new InputError("invalid-uri", `the QR code in ${shown} holds no otpauth:// URI`, problems.map((p) => `${p.where}: ${p.reason}`));
  if (entries.length > 1)
    throw new InputError("several-entries", `${shown} holds ${entries.length} accounts; otp add takes one`, [`\`otp import ${shown}\` adds them all`]);
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
