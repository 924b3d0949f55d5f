// What the app codecs share: turning one app's fields into a checked EntryDraft, the byte
// encodings apps store secrets in, per-entry tolerance (one bad entry is a problem, not a
// failed import), the password loop of encrypted exports, and the few ciphers they use.
// Messages never quote a secret or a password; they name the entry and the field.
import { createDecipheriv } from "node:crypto";
import { encodeBase32, normaliseSecret } from "../base32.js";
import { checkDraft, type Algorithm, type EntryDraft, type OtpType, type RecoveryCode } from "../entry.js";
import { AuthError, InputError, OtpError } from "../errors.js";
import { skippedCodesWarning, vetRecoveryCodes } from "../recovery-codes.js";
import { escapeForTerminal } from "../text.js";
import type { CodecHelpers, Decoded, ImportedEntry, ImportSource } from "./types.js";

export const utf8 = new TextDecoder("utf-8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A field's value as a one-line string (trimmed); "" for null, undefined and non-strings. */
export function str(v: unknown): string {
  return typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
}

/** A whole number from a number or a string of digits; `fallback` when absent; else throws. */
export function int(v: unknown, name: string, fallback?: number): number {
  if ((v === undefined || v === null || v === "") && fallback !== undefined) return fallback;
  const n = typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw new InputError("invalid-entry", `${name} is not a whole number`);
  return n;
}

export function algorithm(v: unknown, fallback: Algorithm = "SHA1"): Algorithm {
  if (v === undefined || v === null || v === "") return fallback;
  const a = String(v).toUpperCase().replace(/^HMAC/, "").replace("-", "");
  if (a === "SHA1" || a === "SHA256" || a === "SHA512") return a;
  throw new InputError("invalid-entry", `unsupported algorithm "${escapeForTerminal(String(v).slice(0, 20))}"`);
}

export interface Fields {
  type: OtpType;
  /** base32 text, or raw key bytes */
  secret: string | Uint8Array;
  issuer?: string;
  account?: string;
  algorithm?: Algorithm;
  digits?: number;
  period?: number;
  counter?: number;
  name?: string;
  tags?: string[];
  notes?: string;
}

/** A checked draft from one app's fields (defaults SHA1, 6 digits, 30 s, counter 0). Throws InputError. */
export function draftOf(f: Fields): EntryDraft {
  const secret = typeof f.secret === "string" ? normaliseSecret(f.secret) : bytesToSecret(f.secret);
  const d: EntryDraft = {
    issuer: (f.issuer ?? "").trim(),
    account: (f.account ?? "").trim(),
    type: f.type,
    secret,
    algorithm: f.algorithm ?? "SHA1",
    digits: f.digits ?? 6,
    ...(f.type === "hotp" ? { counter: f.counter ?? 0 } : { period: f.period ?? 30 }),
  };
  if (f.name !== undefined && f.name.trim() !== "") d.name = f.name.trim();
  if (f.tags && f.tags.length) d.tags = f.tags;
  if (f.notes) d.notes = f.notes;
  return checkDraft(d);
}

export function bytesToSecret(b: Uint8Array): string {
  if (b.length === 0) throw new InputError("invalid-secret", "secret is empty");
  return encodeBase32(b);
}

export function hexBytes(s: string): Uint8Array {
  const t = s.trim();
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) throw new InputError("invalid-secret", "secret is not hexadecimal");
  return new Uint8Array(Buffer.from(t, "hex"));
}

/** Standard or URL-safe base64, padding optional; throws InputError on anything else. */
export function base64Bytes(s: string, what = "secret"): Uint8Array {
  const t = s.trim().replace(/\\\//g, "/");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(t) || t.replace(/=+$/, "").length % 4 === 1)
    throw new InputError(what === "secret" ? "invalid-secret" : "invalid-file", `${what} is not base64`);
  return new Uint8Array(Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}

/**
 * Runs `one` for each item, keeping what it returns as an entry and turning an OtpError into
 * a problem at `where(i)`; anything else (a bug) propagates.
 */
export function collect<T>(items: T[], where: (i: number, item: T) => string, one: (item: T, i: number) => Omit<ImportedEntry, "where"> | null): Decoded {
  const out: Decoded = { entries: [], problems: [], notes: [] };
  items.forEach((item, i) => {
    const at = where(i, item);
    try {
      const e = one(item, i);
      if (e) out.entries.push({ ...e, where: at });
    } catch (err) {
      if (!(err instanceof OtpError)) throw err;
      out.problems.push({ where: at, reason: err.message });
    }
  });
  return out;
}

/**
 * An imported entry. Recovery codes the other app kept are checked here, the one door for every
 * codec (recovery-codes.ts vetRecoveryCodes): bad ones are skipped with a warning that names the
 * entry (import prints it with `where`) and never the code.
 */
export function entry(draft: EntryDraft, warnings: string[] = [], recoveryCodes?: (string | RecoveryCode)[]): Omit<ImportedEntry, "where"> {
  if (!recoveryCodes?.length) return { draft, warnings };
  const { codes, skipped } = vetRecoveryCodes(recoveryCodes);
  const all = skipped ? [...warnings, skippedCodesWarning(skipped)] : warnings;
  return codes.length ? { draft, warnings: all, recoveryCodes: codes } : { draft, warnings: all };
}

/** A file that cannot be this format, as a one-line InputError (exit 2). */
export function damaged(src: ImportSource, what: string, detail: string): InputError {
  return new InputError("invalid-file", `${src.name}: ${detail}; is it a complete ${what}?`, ["a damaged or truncated file cannot be imported: export it again from the app"]);
}

/** JSON of the whole input, or undefined when it is not JSON (never throws). Cached per input. */
const jsonCache = new WeakMap<Uint8Array, { v: unknown }>();
export function jsonOf(src: ImportSource): unknown {
  const hit = jsonCache.get(src.bytes);
  if (hit) return hit.v;
  let v: unknown;
  try {
    const first = src.bytes.findIndex((b) => b > 0x20);
    const c = first < 0 ? 0 : src.bytes[first]!;
    // only text that starts like a JSON object or array (or a BOM) is parsed
    v = c === 0x7b || c === 0x5b || c === 0xef ? JSON.parse(strictUtf8.decode(src.bytes).replace(/^\uFEFF/, "")) : undefined;
  } catch {
    v = undefined;
  }
  jsonCache.set(src.bytes, { v });
  return v;
}

export const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** JSON text inside a file (a string field, decrypted bytes): parsed, or a damaged-file error. */
export function parseJson(text: string, src: ImportSource, what: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw damaged(src, what, "its content is not valid JSON");
  }
}

/** The text of a file, or InputError when it is not UTF-8. */
export function textOf(src: ImportSource, what: string): string {
  try {
    return strictUtf8.decode(src.bytes).replace(/^\uFEFF/, "");
  } catch {
    throw damaged(src, what, "it is not UTF-8 text");
  }
}

const MAX_TRIES = 3;

/**
 * The password loop of an encrypted export: asks helpers.password, runs `attempt`, which
 * returns undefined for a wrong password, and asks again (at most 3 times on a terminal;
 * a password file gets one try). Throws AuthError (exit 4) after the last wrong one.
 */
export async function withPassword<T>(helpers: CodecHelpers, what: string, attempt: (password: string) => Promise<T | undefined> | T | undefined, hint?: string): Promise<T> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const pw = await helpers.password(what, i > 0);
    const r = await attempt(pw);
    if (r !== undefined) return r;
  }
  throw new AuthError("wrong-password", `wrong password for ${what}`, hint ? [hint] : []);
}

/** AES-GCM (128/256 by key length) with the tag after the ciphertext; undefined when it does not authenticate. */
export function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  try {
    const d = createDecipheriv(key.length === 16 ? "aes-128-gcm" : "aes-256-gcm", key, nonce);
    if (aad) d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]));
  } catch {
    return undefined;
  }
}

/**
 * AES-256-CBC with PKCS#7. "bad-length" when the ciphertext is not whole blocks (the file is
 * cut); undefined when the padding is wrong (almost always a wrong password).
 */
export function aesCbcOpen(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined | "bad-length" {
  if (data.length === 0 || data.length % 16 !== 0) return "bad-length";
  try {
    const d = createDecipheriv("aes-256-cbc", key, iv);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch {
    return undefined;
  }
}

/** The text of decrypted bytes if it is UTF-8 JSON, else undefined (a wrong CBC key gives garbage). */
export function jsonText(b: Uint8Array): unknown {
  try {
    return JSON.parse(strictUtf8.decode(b));
  } catch {
    return undefined;
  }
}

/** Splits "Issuer:Account" at the first colon (Google's label convention). */
export function splitLabel(label: string): { issuer: string; account: string } {
  const at = label.indexOf(":");
  return at < 0 ? { issuer: "", account: label.trim() } : { issuer: label.slice(0, at).trim(), account: label.slice(at + 1).trim() };
}
