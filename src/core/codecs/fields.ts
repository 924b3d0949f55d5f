// One app's fields as a checked EntryDraft: coercing loosely typed values (strings for
// numbers, "HmacSHA1" for SHA1) and refusing what cannot be an entry. Messages name the field,
// never the secret.
import { encodeBase32, normaliseSecret } from "../base32.js";
import { checkDraft, type Algorithm, type EntryDraft, type OtpType } from "../entry.js";
import { InputError } from "../errors.js";
import { escapeForTerminal } from "../text.js";

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

/** Splits "Issuer:Account" at the first colon (Google's label convention). */
export function splitLabel(label: string): { issuer: string; account: string } {
  const at = label.indexOf(":");
  return at < 0 ? { issuer: "", account: label.trim() } : { issuer: label.slice(0, at).trim(), account: label.slice(at + 1).trim() };
}
