// Recovery codes kept beside a seed (entry.recoveryCodes: {code, usedAt}[]): reading what people
// paste, adding without duplicates, handing out one unused code, and masking them for display.
// Pure: times come in as arguments. Messages never quote a code.
import type { Entry, RecoveryCode } from "./entry.js";
import { InputError, OtpError } from "./errors.js";

export const MAX_CODES = 100;
export const MIN_CODE_LENGTH = 4;
export const MAX_CODE_LENGTH = 64;
/** A code list is short; warn when this many unused ones or fewer are left. */
export const FEW_CODES = 2;

const key = (c: string) => c.replace(/[\s-]/g, "").toLowerCase();

/** Controls (C0, DEL, C1), format characters (bidi, zero-width), lone surrogates, line and paragraph separators. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/**
 * The rule for a recovery code, wherever it comes from (`otp recovery add`, an import): after
 * trimming, 4 to 64 characters, none of them a control, format (bidi, zero-width), or line
 * break character. Spaces inside are fine ("1234 5678"). Returns why `code` breaks it, or null;
 * the reason never quotes the code. So a stored code prints as it is (core/text.ts).
 */
export function recoveryCodeProblem(code: string): string | null {
  const t = code.trim();
  const n = [...t].length;
  if (UNPRINTABLE.test(t)) return "it holds control, bidi or line-break characters";
  if (n < MIN_CODE_LENGTH || n > MAX_CODE_LENGTH) return `it is not ${MIN_CODE_LENGTH} to ${MAX_CODE_LENGTH} characters long`;
  return null;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;

/**
 * A usedAt from outside: an ISO-8601 time is kept as it is, another date becomes ISO-8601, and
 * anything else that says "used" becomes the epoch (used, time unknown): never free text.
 */
function usedAtOf(v: unknown): string | null {
  if (v === null || v === undefined || v === false || v === "") return null;
  if (typeof v === "string" && ISO_TIME.test(v) && Number.isFinite(Date.parse(v))) return v;
  const t = typeof v === "string" || typeof v === "number" ? Date.parse(String(v)) : NaN;
  return new Date(Number.isFinite(t) ? t : 0).toISOString();
}

/**
 * Codes another app or file kept beside a seed, checked by recoveryCodeProblem: the good ones
 * trimmed, duplicates dropped (a used copy wins), at most MAX_CODES; `skipped` counts the rest.
 * A plain string is an unused code. Never throws.
 */
export function vetRecoveryCodes(codes: readonly (string | { code: unknown; usedAt?: unknown })[]): {
  codes: RecoveryCode[];
  skipped: number;
} {
  const out: RecoveryCode[] = [];
  const at = new Map<string, number>();
  let skipped = 0;
  for (const c of codes) {
    const raw = typeof c === "string" ? c : c.code;
    if (typeof raw !== "string" || recoveryCodeProblem(raw) !== null) {
      skipped++;
      continue;
    }
    const code = raw.trim();
    const usedAt = typeof c === "string" ? null : usedAtOf(c.usedAt);
    const i = at.get(key(code));
    if (i !== undefined) {
      if (usedAt && !out[i]!.usedAt) out[i]!.usedAt = usedAt;
      continue;
    }
    if (out.length >= MAX_CODES) {
      skipped++;
      continue;
    }
    at.set(key(code), out.length);
    out.push({ code, usedAt });
  }
  return { codes: out, skipped };
}

/** The warning for codes vetRecoveryCodes skipped (names no code). */
export function skippedCodesWarning(skipped: number): string {
  return `skipped ${skipped} recovery code${skipped === 1 ? "" : "s"}: each must be ${MIN_CODE_LENGTH} to ${MAX_CODE_LENGTH} characters with no control, bidi or line-break characters, at most ${MAX_CODES} an entry`;
}

/**
 * The codes in pasted text: one per line, or several on a line separated by spaces, commas or
 * semicolons. Blank lines, `#` comments and list numbers ("1. ", "2) ") are skipped; two 4-digit
 * groups joined by one space ("1234 5678", as Google prints them) are one code. Duplicates are dropped.
 * Throws InputError `invalid-recovery-codes` when nothing is left or a "code" cannot be one.
 */
export function parseRecoveryCodes(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, n) => {
    const line = raw.trim().replace(/^\d{1,3}[.)]\s+/, "");
    if (line === "" || line.startsWith("#")) return;
    // Columns (two or more spaces, tabs, commas) first, so "1234 5678    2345 6789" is two codes.
    const chunks = line
      .split(/\s{2,}|[\t,;]/u)
      .map((c) => c.trim())
      .filter(Boolean);
    const codes = chunks.flatMap((c) => (/^\d{4} \d{4}$/.test(c) ? [c] : c.split(/\s+/u)));
    for (const code of codes) {
      if (/^otpauth(-migration)?:/i.test(code))
        throw new InputError("invalid-recovery-codes", `line ${n + 1} is an otpauth URI, not a recovery code`, [
          "add seeds with `otp add`",
        ]);
      if (recoveryCodeProblem(code) !== null)
        throw new InputError(
          "invalid-recovery-codes",
          `line ${n + 1} does not look like recovery codes (each is ${MIN_CODE_LENGTH} to ${MAX_CODE_LENGTH} characters, with no control, bidi or line-break characters)`,
        );
      if (seen.has(key(code))) continue;
      seen.add(key(code));
      out.push(code);
    }
  });
  if (out.length === 0)
    throw new InputError("invalid-recovery-codes", "no recovery codes given", [
      "give them on standard input, one per line or separated by spaces, or with --file FILE",
    ]);
  return out;
}

/** The entry's codes with `codes` added (or, with replace, instead of the old ones). */
export function addRecoveryCodes(
  existing: RecoveryCode[],
  codes: string[],
  replace: boolean,
): { codes: RecoveryCode[]; added: number; skipped: number } {
  const base = replace ? [] : existing.map((c) => ({ ...c }));
  const have = new Set(base.map((c) => key(c.code)));
  let added = 0;
  for (const code of codes) {
    if (have.has(key(code))) continue;
    have.add(key(code));
    base.push({ code, usedAt: null });
    added++;
  }
  if (base.length > MAX_CODES)
    throw new InputError("invalid-recovery-codes", `an entry keeps at most ${MAX_CODES} recovery codes`, [
      "`otp recovery remove QUERY --used` drops the used ones",
    ]);
  return { codes: base, added, skipped: codes.length - added };
}

export function unusedCount(codes: RecoveryCode[] | undefined): number {
  return (codes ?? []).filter((c) => !c.usedAt).length;
}

/**
 * Marks the first unused code used at nowIso. Throws OtpError `no-recovery-codes` when the entry
 * has none, or none unused.
 */
export function takeRecoveryCode(entry: Entry, nowIso: string): { codes: RecoveryCode[]; code: string; left: number } {
  const codes = (entry.recoveryCodes ?? []).map((c) => ({ ...c }));
  const i = codes.findIndex((c) => !c.usedAt);
  if (i < 0)
    throw new OtpError(
      "no-recovery-codes",
      codes.length === 0 ? `"${entry.name}" has no recovery codes` : `all ${codes.length} recovery codes of "${entry.name}" are used`,
      [
        codes.length === 0
          ? `add the site's codes with \`otp recovery add ${entry.name}\``
          : `get new codes from the site, then \`otp recovery add ${entry.name} --replace\``,
      ],
    );
  codes[i]!.usedAt = nowIso;
  return { codes, code: codes[i]!.code, left: unusedCount(codes) };
}

/** A code with all but its last two letters or digits hidden: "****-**7f". */
export function maskCode(code: string): string {
  const alnum = [...code].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
  let seen = 0;
  return [...code].map((c) => (/[\p{L}\p{N}]/u.test(c) && ++seen <= alnum - 2 ? "*" : c)).join("");
}

/**
 * A backup's entries (or any vault's from outside) with bad recovery codes dropped: for restore,
 * whose own command prints `skipped` as warnings naming the entry. Entries with nothing to drop
 * come back as they are (the same objects).
 */
export function vetEntriesRecoveryCodes<E extends { name: string; recoveryCodes?: RecoveryCode[] }>(
  entries: readonly E[],
): { entries: E[]; skipped: { name: string; count: number }[] } {
  const skipped: { name: string; count: number }[] = [];
  const out = entries.map((e) => {
    const codes = Array.isArray(e.recoveryCodes) ? e.recoveryCodes : [];
    if (codes.every((c) => typeof c?.code === "string" && recoveryCodeProblem(c.code) === null)) return e;
    const r = vetRecoveryCodes(codes.filter((c) => c !== null && typeof c === "object"));
    skipped.push({ name: e.name, count: codes.length - r.codes.length });
    return { ...e, recoveryCodes: r.codes };
  });
  return { entries: out, skipped };
}
