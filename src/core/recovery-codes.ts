// Recovery codes kept beside a seed (entry.recoveryCodes: {code, usedAt}[]): reading what people
// paste, adding without duplicates, handing out one unused code, and masking them for display.
// Pure: times come in as arguments. Messages never quote a code.
import type { Entry, RecoveryCode } from "./entry.js";
import { InputError, OtpError } from "./errors.js";

export const MAX_CODES = 100;
const MAX_CODE_LENGTH = 64;
/** A code list is short; warn when this many unused ones or fewer are left. */
export const FEW_CODES = 2;

const key = (c: string) => c.replace(/[\s-]/g, "").toLowerCase();

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
    const chunks = line.split(/\s{2,}|[\t,;]/u).map((c) => c.trim()).filter(Boolean);
    const codes = chunks.flatMap((c) => (/^\d{4} \d{4}$/.test(c) ? [c] : c.split(/\s+/u)));
    for (const code of codes) {
      if (/^otpauth(-migration)?:/i.test(code)) throw new InputError("invalid-recovery-codes", `line ${n + 1} is an otpauth URI, not a recovery code`, ["add seeds with `otp add`"]);
      if (code.length > MAX_CODE_LENGTH || code.length < 4 || /[\u0000-\u001f\u007f]/u.test(code))
        throw new InputError("invalid-recovery-codes", `line ${n + 1} does not look like recovery codes (each is 4 to ${MAX_CODE_LENGTH} characters)`);
      if (seen.has(key(code))) continue;
      seen.add(key(code));
      out.push(code);
    }
  });
  if (out.length === 0) throw new InputError("invalid-recovery-codes", "no recovery codes given", ["give them on standard input, one per line or separated by spaces, or with --file FILE"]);
  return out;
}

/** The entry's codes with `codes` added (or, with replace, instead of the old ones). */
export function addRecoveryCodes(existing: RecoveryCode[], codes: string[], replace: boolean): { codes: RecoveryCode[]; added: number; skipped: number } {
  const base = replace ? [] : existing.map((c) => ({ ...c }));
  const have = new Set(base.map((c) => key(c.code)));
  let added = 0;
  for (const code of codes) {
    if (have.has(key(code))) continue;
    have.add(key(code));
    base.push({ code, usedAt: null });
    added++;
  }
  if (base.length > MAX_CODES) throw new InputError("invalid-recovery-codes", `an entry keeps at most ${MAX_CODES} recovery codes`, ["`otp recovery remove QUERY --used` drops the used ones"]);
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
    throw new OtpError("no-recovery-codes", codes.length === 0 ? `"${entry.name}" has no recovery codes` : `all ${codes.length} recovery codes of "${entry.name}" are used`, [
      codes.length === 0 ? `add the site's codes with \`otp recovery add ${entry.name}\`` : `get new codes from the site, then \`otp recovery add ${entry.name} --replace\``,
    ]);
  codes[i]!.usedAt = nowIso;
  return { codes, code: codes[i]!.code, left: unusedCount(codes) };
}

/** A code with all but its last two letters or digits hidden: "****-**7f". */
export function maskCode(code: string): string {
  const alnum = [...code].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
  let seen = 0;
  return [...code].map((c) => (/[\p{L}\p{N}]/u.test(c) && ++seen <= alnum - 2 ? "*" : c)).join("");
}
