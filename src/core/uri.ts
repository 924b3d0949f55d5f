// otpauth:// URIs (Google's Key Uri Format, plus Aegis' `steam` type and KeePassXC's
// `encoder=steam`): parse into an EntryDraft, write back, redact. Errors never quote the URI.
import { normaliseSecret } from "./base32.js";
import {
  checkDraft,
  DEFAULT_PERIOD,
  MAX_COUNTER,
  COUNTER_RANGE,
  MAX_DIGITS,
  MAX_PERIOD,
  MIN_DIGITS,
  STEAM_DIGITS,
  type Algorithm,
  type EntryDraft,
  type OtpType,
} from "./entry.js";
import { InputError } from "./errors.js";
import { escapeForTerminal } from "./text.js";

export interface ParsedUri {
  draft: EntryDraft;
  /** One-line notes for stderr (already escaped for the terminal). */
  warnings: string[];
}

/** The fields formatOtpauthUri writes (an Entry fits). */
export type UriFields = Pick<EntryDraft, "type" | "secret" | "algorithm" | "digits" | "period" | "counter" | "issuer" | "account">;

const PREFIX = "otpauth://";
const PARAMS = ["secret", "issuer", "algorithm", "digits", "period", "counter", "encoder"];
const WHOLE = /^\d+$/;

function bad(reason: string): InputError {
  return new InputError("invalid-uri", reason);
}

/** A value from the URI (never the secret) made safe and short enough for a message. */
function shown(v: string): string {
  const cut = Array.from(v);
  return escapeForTerminal(cut.length > 20 ? `${cut.slice(0, 20).join("")}…` : v);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const toUtf8 = new TextEncoder();

/**
 * Percent-decodes one part of the URI. Its bytes are read as UTF-8, or, when they are not
 * UTF-8, as Latin-1 (pass-otp percent-encodes the bytes of its locale: `Z%FCrich`), and
 * `latin1` says so. `plus`: a + is a space (query values). A `%` not followed by two hex
 * digits makes it null when `strict`, else stays a `%` (as URLSearchParams keeps it).
 */
function decodePart(raw: string, o: { plus: boolean; strict: boolean }): { text: string; latin1: boolean } | null {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "%" && /^[0-9a-f]{2}$/i.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === "%" && o.strict) return null;
    else if (o.plus && c === "+") bytes.push(0x20);
    else if (c.charCodeAt(0) < 0x80) bytes.push(c.charCodeAt(0));
    else {
      const cp = raw.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const x of toUtf8.encode(String.fromCodePoint(cp))) bytes.push(x);
    }
  }
  const b = Uint8Array.from(bytes);
  try {
    return { text: utf8.decode(b), latin1: false };
  } catch {
    // Latin-1 is the first 256 code points (TextDecoder's "latin1" is windows-1252).
    return { text: Array.from(b, (x) => String.fromCharCode(x)).join(""), latin1: true };
  }
}

/** A label part, trimmed; `latin1.seen` is set when it was read as Latin-1. */
function decodeLabel(raw: string, latin1: { seen: boolean }): string {
  const d = decodePart(raw, { plus: false, strict: true });
  if (!d) throw bad("the URI's label has broken percent-encoding");
  if (d.latin1) latin1.seen = true;
  return d.text.trim();
}

/**
 * The query's parameters, decoded as URLSearchParams does (a + is a space, a broken `%` stays
 * as it is), except that bytes that are not UTF-8 are read as Latin-1 rather than replaced.
 */
function queryParams(query: string, latin1: { seen: boolean }): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const [k, v] = eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const key = decodePart(k, { plus: true, strict: false })!.text;
    const value = decodePart(v, { plus: true, strict: false })!;
    if (value.latin1) latin1.seen = true;
    out.set(key, [...(out.get(key) ?? []), value.text]);
  }
  return out;
}

/**
 * Splits the label at its first literal `:`, or else at its first `%3A` (Google allows both).
 * Splitting before decoding keeps `%3A` inside an issuer from being taken as the separator.
 */
function splitLabel(raw: string, latin1: { seen: boolean }): { prefix: string | null; account: string } {
  let at = raw.indexOf(":");
  let width = 1;
  if (at < 0) {
    at = raw.search(/%3a/i);
    width = 3;
  }
  if (at < 0) return { prefix: null, account: decodeLabel(raw, latin1) };
  return { prefix: decodeLabel(raw.slice(0, at), latin1), account: decodeLabel(raw.slice(at + width), latin1) };
}

function parseType(text: string, encoder: string | null, warnings: string[]): OtpType {
  const t = text.toLowerCase();
  if (t !== "totp" && t !== "hotp" && t !== "steam") throw bad("the URI's type must be totp, hotp or steam");
  if (encoder === null || encoder === "") return t;
  if (encoder.toLowerCase() !== "steam") {
    warnings.push(`ignoring the unknown encoder "${shown(encoder)}"`);
    return t;
  }
  if (t === "hotp") throw bad("encoder=steam needs a totp URI, not hotp");
  return "steam";
}

function parseAlgorithm(v: string | null): Algorithm {
  if (v === null) return "SHA1";
  const a = v.toUpperCase();
  if (a === "SHA1" || a === "SHA256" || a === "SHA512") return a;
  throw bad(`unsupported algorithm "${shown(v)}": use SHA1, SHA256 or SHA512`);
}

function parseWhole(v: string, name: string, min: number, max: number, range: string): number {
  if (!WHOLE.test(v) || BigInt(v) < BigInt(min) || BigInt(v) > BigInt(max))
    throw bad(`${name} must be a whole number from ${range}, not "${shown(v)}"`);
  return Number(v);
}

/**
 * Parses one `otpauth://TYPE/LABEL?PARAMS` URI into a checked EntryDraft (no name: the caller
 * picks one). Percent-encoded bytes that are not UTF-8 are read as Latin-1, with a warning. Types totp, hotp, steam (Aegis) and totp with `encoder=steam` (KeePassXC). Label
 * `Issuer:Account` (a space after the colon is fine); the `issuer` parameter wins over the
 * label's prefix. Warnings: issuer mismatch, hotp without counter (counter 0), ignored values.
 * Throws InputError `invalid-uri` (scheme, type, label, missing secret, algorithm, digits,
 * period, counter, repeated parameters) or `invalid-secret` (the secret itself).
 */
export function parseOtpauthUri(text: string): ParsedUri {
  const s = text.trim();
  if (s.slice(0, PREFIX.length).toLowerCase() !== PREFIX) throw bad("not an otpauth:// URI");
  const rest = s.slice(PREFIX.length);
  const q = rest.indexOf("?");
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? "" : rest.slice(q + 1).split("#")[0]!;
  const slash = path.indexOf("/");
  const typeText = slash < 0 ? path : path.slice(0, slash);
  const rawLabel = slash < 0 ? "" : path.slice(slash + 1);

  const latin1 = { seen: false };
  const all = queryParams(query, latin1);
  for (const name of PARAMS) if ((all.get(name)?.length ?? 0) > 1) throw bad(`the URI has more than one ${name} parameter`);
  const params = { get: (name: string) => all.get(name)?.[0] ?? null };
  const warnings: string[] = [];
  const type = parseType(typeText, params.get("encoder"), warnings);

  const secretText = params.get("secret");
  if (secretText === null) throw bad("the URI has no secret");
  const secret = normaliseSecret(secretText);

  const { prefix, account } = splitLabel(rawLabel, latin1);
  const issuerParam = (params.get("issuer") ?? "").trim();
  if (issuerParam !== "" && prefix && prefix.toLowerCase() !== issuerParam.toLowerCase())
    warnings.push(
      `the label says issuer "${shown(prefix)}" but the issuer parameter says "${shown(issuerParam)}": using "${shown(issuerParam)}"`,
    );
  const issuer = issuerParam !== "" ? issuerParam : (prefix ?? "");
  if (latin1.seen)
    warnings.push(
      `"${shown([issuer, account].filter(Boolean).join(":"))}": its percent-encoded bytes are not UTF-8, so they were read as Latin-1 (as pass-otp writes them in a Latin-1 locale); check the name`,
    );

  const draft: EntryDraft = { issuer, account, type, secret, algorithm: "SHA1", digits: STEAM_DIGITS };
  const period = params.get("period");
  if (type === "steam") {
    draft.period = DEFAULT_PERIOD;
    if (period !== null && period !== String(DEFAULT_PERIOD))
      warnings.push(`Steam codes change every ${DEFAULT_PERIOD} s: ignoring period "${shown(period)}"`);
  } else {
    draft.algorithm = parseAlgorithm(params.get("algorithm"));
    const digits = params.get("digits");
    const range = `${MIN_DIGITS} to ${MAX_DIGITS}`;
    draft.digits = digits === null ? MIN_DIGITS : parseWhole(digits, "digits", MIN_DIGITS, MAX_DIGITS, range);
    if (type === "totp") {
      draft.period = period === null ? DEFAULT_PERIOD : parseWhole(period, "period", 1, MAX_PERIOD, `1 to ${MAX_PERIOD} seconds`);
    } else {
      const counter = params.get("counter");
      if (counter === null) warnings.push("the hotp URI has no counter: starting at 0");
      draft.counter = counter === null ? 0 : parseWhole(counter, "counter", 0, MAX_COUNTER, COUNTER_RANGE);
    }
  }
  return { draft: checkDraft(draft), warnings };
}

/**
 * Writes an entry as `otpauth://TYPE/LABEL?secret=…&issuer=…&algorithm=…&digits=…&period=…`
 * (`counter=` for HOTP; Steam as totp with `digits=5&encoder=steam`). The label is
 * `Issuer:Account` percent-encoded, or the account alone when there is no issuer (with a
 * leading `:` if the account holds a colon, so it reads back as the account). Throws
 * InputError `invalid-secret` or `invalid-entry` for an entry that checkDraft refuses.
 */
export function formatOtpauthUri(e: UriFields): string {
  const secret = normaliseSecret(e.secret);
  const d = checkDraft({ ...e, secret });
  const enc = encodeURIComponent;
  const label = e.issuer !== "" ? `${enc(e.issuer)}:${enc(e.account)}` : `${e.account.includes(":") ? ":" : ""}${enc(e.account)}`;
  const type = d.type === "steam" ? "totp" : d.type;
  let uri = `${PREFIX}${type}/${label}?secret=${secret}`;
  if (e.issuer !== "") uri += `&issuer=${enc(e.issuer)}`;
  uri += `&algorithm=${d.algorithm}&digits=${d.digits}`;
  uri += d.type === "hotp" ? `&counter=${d.counter ?? 0}` : `&period=${d.period ?? DEFAULT_PERIOD}`;
  if (d.type === "steam") uri += "&encoder=steam";
  return uri;
}

/** The same URI with every `secret=` value replaced by `(elided)`, for showing it. Never throws. */
export function redactUri(uri: string): string {
  return uri.replace(/([?&]secret=)[^&#]*/gi, "$1(elided)");
}
