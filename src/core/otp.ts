// One-time codes: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard, wrapping otpauth, plus
// parsing `--at` times. Pure: the time always comes in as `nowMs`; nothing here reads a clock.
// otpauth's "bare" build, with the HMAC of core/vault/crypto.ts: otpauth's Node build calls
// node:crypto's createHmac, and loading node:crypto costs every `otp code` ~9 ms
// (docs/startup.md). SHA-256 and SHA-512 are the vault's native engine's; SHA-1, which libsodium
// lacks, is @noble/hashes' (otpauth's own in its browser build; ~0.7 ms cold).
import { sha1 } from "@noble/hashes/legacy.js";
import { HOTP, Secret } from "otpauth/bare";
import { SHA256, SHA512, hmac, type HmacHash } from "./vault/crypto.js";
import { normaliseSecret } from "./base32.js";
import { COUNTER_RANGE, DEFAULT_PERIOD, MAX_COUNTER, MAX_DIGITS, MAX_PERIOD, type Algorithm, type EntryDraft } from "./entry.js";
import { InputError, UsageError } from "./errors.js";

/** What generateCode needs of an entry (an Entry or an EntryDraft fits). */
export type CodeInput = Pick<EntryDraft, "type" | "secret" | "algorithm" | "digits" | "period" | "counter">;

export interface GeneratedCode {
  code: string;
  /** TOTP/Steam: ms until the current step ends (not the offset one); HOTP: null. */
  remainingMs: number | null;
  /** TOTP/Steam: the period in seconds; HOTP: null. */
  period: number | null;
  /** HOTP: the counter the code was made with (entry.counter + stepOffset); TOTP/Steam: null. */
  counter: number | null;
}

const STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY";
const ALGORITHMS: readonly string[] = ["SHA1", "SHA256", "SHA512"];
const SHA1: HmacHash = {
  hash(parts) {
    const h = sha1.create();
    for (const p of parts) h.update(p);
    return h.digest();
  },
  blockBytes: 64,
};
const HASHES: Record<string, HmacHash> = { SHA1, SHA256, SHA512 };

/** The HMAC otpauth calls: algorithm is one of ALGORITHMS (hotpCode checks it first). */
function otpHmac(algorithm: string, key: Uint8Array, message: Uint8Array): Uint8Array {
  const hash = HASHES[algorithm];
  if (!hash) throw badEntry("algorithm must be SHA1, SHA256 or SHA512");
  return hmac(hash, key, message);
}

function badEntry(reason: string): InputError {
  return new InputError("invalid-entry", reason);
}

/**
 * The RFC 4226 HOTP code for `counter`, `digits` long with leading zeros. The secret may be
 * unnormalised base32. Throws InputError `invalid-secret` for a bad secret, `invalid-entry` for a
 * counter outside 0…2^53 − 1, digits outside 1–10 or an unknown algorithm.
 */
export function hotpCode(secretBase32: string, counter: number, algorithm: Algorithm, digits: number): string {
  const secret = normaliseSecret(secretBase32);
  if (!Number.isSafeInteger(counter) || counter < 0 || counter > MAX_COUNTER)
    throw badEntry(`counter must be a whole number from ${COUNTER_RANGE}`);
  if (!Number.isInteger(digits) || digits < 1 || digits > MAX_DIGITS)
    throw badEntry(`digits must be a whole number from 1 to ${MAX_DIGITS}`);
  if (!ALGORITHMS.includes(algorithm)) throw badEntry("algorithm must be SHA1, SHA256 or SHA512");
  // otpauth writes the counter as 8 big-endian bytes exactly for every safe integer.
  return HOTP.generate({ secret: Secret.fromBase32(secret), algorithm, digits, counter, hmac: otpHmac });
}

/**
 * Steam Guard: the RFC 4226 dynamic-truncation 31-bit number of HMAC-SHA1 over the step, written
 * as 5 characters of Steam's alphabet, least significant first. With 10 digits HOTP returns that
 * number whole, since it is below 2^31 < 10^10.
 */
function steamCode(secretBase32: string, step: number): string {
  let n = Number(hotpCode(secretBase32, step, "SHA1", 10));
  let out = "";
  for (let i = 0; i < 5; i++) {
    out += STEAM_ALPHABET.charAt(n % STEAM_ALPHABET.length);
    n = Math.floor(n / STEAM_ALPHABET.length);
  }
  return out;
}

/**
 * The TOTP/Steam step at `nowMs` (Unix ms): floor(nowMs / 1000 / period), 0 from 1970-01-01 on.
 * Throws InputError `invalid-entry` for a type or period that has none, and UsageError for a
 * time before 1970 or not a number.
 */
export function stepAt(entry: CodeInput, nowMs: number): number {
  return timeStep(entry, nowMs).step;
}

function timeStep(entry: CodeInput, nowMs: number): { step: number; t: number; periodMs: number; period: number } {
  if (entry.type !== "totp" && entry.type !== "steam") throw badEntry("type must be totp, hotp or steam");
  const period = entry.period ?? DEFAULT_PERIOD;
  if (!Number.isInteger(period) || period < 1 || period > MAX_PERIOD)
    throw badEntry(`period must be a whole number of seconds from 1 to ${MAX_PERIOD}`);
  const t = Math.floor(nowMs);
  if (!Number.isSafeInteger(t) || t < 0) throw new UsageError("usage", "the time must be a number of ms from 1970-01-01 on");
  const periodMs = period * 1000;
  // One division of two safe integers: the floor is exact (no 1000 → period double rounding).
  return { step: Math.floor(t / periodMs), t, periodMs, period };
}

/**
 * The code of an entry at `nowMs` (Unix ms). TOTP/Steam use step floor(nowMs / 1000 / period) +
 * stepOffset (Steam: always SHA1 and 5 characters); HOTP uses entry.counter + stepOffset and
 * ignores the time. Exact for any time up to year 275760 and counters up to 2^53 − 1.
 * Throws InputError (`invalid-secret`, `invalid-entry`) for a bad entry, and UsageError when the
 * time or the step it gives is before 1970 or not a number.
 */
export function generateCode(entry: CodeInput, nowMs: number, stepOffset = 0): GeneratedCode {
  if (!Number.isSafeInteger(stepOffset)) throw badEntry("the step offset must be a whole number");
  if (entry.type === "hotp") {
    const counter = (entry.counter ?? 0) + stepOffset;
    const code = hotpCode(entry.secret, counter, entry.algorithm, entry.digits);
    return { code, remainingMs: null, period: null, counter };
  }
  const { step: current, t, periodMs, period } = timeStep(entry, nowMs);
  const step = current + stepOffset;
  if (step < 0) throw new UsageError("usage", "the requested step is before 1970-01-01");
  const code = entry.type === "steam" ? steamCode(entry.secret, step) : hotpCode(entry.secret, step, entry.algorithm, entry.digits);
  return { code, remainingMs: periodMs - (t % periodMs), period, counter: null };
}

const AT_USAGE = "--at wants an ISO-8601 time or Unix seconds, like 2026-01-01T12:00:00Z or 1767268800";
const UNIX_SECONDS = /^\d{1,15}(?:\.\d+)?$/;
// YYYY-MM-DD, optionally with [T ]HH:MM[:SS[.fff]] and a zone Z, ±HH:MM or ±HHMM.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;
/** Date's range: ±8.64e15 ms (ECMA-262 §21.4.1.22); we take only the part from 1970 on. */
const MAX_TIME_MS = 8.64e15;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses `--at`: Unix seconds (`1767268800`, `1767268800.5`) or ISO-8601 (`2026-01-01`,
 * `2026-01-01T12:00`, `2026-01-01T12:00:00.250+01:00`, a space may replace the `T`). Like
 * Date.parse, a date alone is UTC midnight but a date-time without a zone is LOCAL time (the
 * local time zone, TZ); give `Z` or an offset to be exact. Returns Unix ms, rounded to a whole ms.
 * Throws UsageError (kind `usage`) for anything else, impossible dates (2026-02-30, 24:00) and
 * times before 1970.
 */
export function parseTime(text: string): number {
  const s = text.trim();
  if (UNIX_SECONDS.test(s)) {
    const ms = Math.round(Number(s) * 1000);
    if (ms > MAX_TIME_MS) throw new UsageError("usage", AT_USAGE);
    return ms;
  }
  const m = ISO.exec(s);
  if (!m) throw new UsageError("usage", AT_USAGE);
  const [, y, mo, d, hh, mi, ss, , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const ok =
    month >= 1 &&
    month <= 12 &&
    Number(d) >= 1 &&
    Number(d) <= daysInMonth(year, month) &&
    (hh === undefined || Number(hh) <= 23) &&
    (mi === undefined || Number(mi) <= 59) &&
    (ss === undefined || Number(ss) <= 59);
  if (!ok) throw new UsageError("usage", AT_USAGE);
  let iso = s.replace(/^(\d{4}-\d{2}-\d{2})[Tt ]/, "$1T");
  if (zone !== undefined) {
    const z = zone.toUpperCase() === "Z" ? "Z" : zone.replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2");
    iso = iso.slice(0, iso.length - zone.length) + z;
  }
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) throw new UsageError("usage", AT_USAGE);
  return ms;
}
