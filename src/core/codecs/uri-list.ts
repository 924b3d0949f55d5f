// A plain list of otpauth:// URIs, one per line (what `otp export --format uri` writes and
// most apps read). Blank lines and lines starting with # are skipped; a bad line becomes a
// problem with its number and reason, and the rest still import.
import type { EntryDraft } from "../entry.js";
import { OtpError } from "../errors.js";
import { parseOtpauthUri } from "../uri.js";

export interface ParsedLine {
  line: number;
  draft: EntryDraft;
  warnings: string[];
}
export interface Problem {
  line: number;
  reason: string;
}

export function parseUriList(text: string): { entries: ParsedLine[]; problems: Problem[] } {
  const entries: ParsedLine[] = [];
  const problems: Problem[] = [];
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s === "" || s.startsWith("#")) return;
    const line = i + 1;
    if (/^otpauth-migration:/i.test(s)) return problems.push({ line, reason: "Google Authenticator migration URIs are not supported yet" });
    if (!/^otpauth:/i.test(s)) return problems.push({ line, reason: "not an otpauth:// URI" });
    try {
      const { draft, warnings } = parseOtpauthUri(s);
      entries.push({ line, draft, warnings });
    } catch (err) {
      if (!(err instanceof OtpError)) throw err;
      problems.push({ line, reason: err.message });
    }
  });
  return { entries, problems };
}
