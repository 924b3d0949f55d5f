// A plain list of otpauth:// URIs, one per line (what `otp export --format uri` writes and
// most apps read). Blank lines and lines starting with # are skipped; a bad line becomes a
// problem with its number and reason, and the rest still import. otpauth-migration:// lines
// (Google Authenticator) are read too, so lists may mix both.
import { OtpError } from "../errors.js";
import { escapeForTerminal } from "../text.js";
import { parseOtpauthUri } from "../uri.js";
import { loadMigrationCodec, type MigrationCodec } from "./google-migration.js";
import type { Codec, Decoded, ImportSource } from "./types.js";

const utf8 = new TextDecoder("utf-8");

/** One URI to read and where it came from ("line 3", "QR 2"), for messages. */
export interface UriItem {
  text: string;
  where: string;
}

// What a scanner app may put before the URI it read, like "QR-Code:otpauth-migration://…".
const SCANNER_PREFIX = /^([^\s:/]{1,20}:)\s*(otpauth(?:-migration)?:\/\/.*)$/i;

/** The meaningful lines of a text: not blank, not a # comment. */
export function textLines(text: string): UriItem[] {
  const items: UriItem[] = [];
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s !== "" && !s.startsWith("#")) items.push({ text: s, where: `line ${i + 1}` });
  });
  return items;
}

/** Reads each item as an otpauth:// URI, or an otpauth-migration:// one when `migration` is given. */
export function parseUriItems(items: readonly UriItem[], migration?: MigrationCodec): Decoded {
  const out: Decoded = { entries: [], problems: [], notes: [], batches: [] };
  for (const { text, where } of items) {
    let s = text.trim();
    const warnings: string[] = [];
    const prefixed = SCANNER_PREFIX.exec(s);
    if (prefixed) {
      warnings.push(`ignoring "${escapeForTerminal(prefixed[1]!)}" before the URI`);
      s = prefixed[2]!;
    }
    try {
      if (/^otpauth-migration:/i.test(s)) {
        if (!migration) throw new OtpError("invalid-uri", "a Google Authenticator otpauth-migration:// URI: import it with --format ga (or auto)");
        const part = migration.decode(s, where);
        for (const e of part.entries) out.entries.push({ ...e, warnings: [...warnings, ...e.warnings] });
        out.problems.push(...part.problems);
        if (part.batch) out.batches!.push(part.batch);
        continue;
      }
      if (!/^otpauth:/i.test(s)) throw new OtpError("invalid-uri", "not an otpauth:// or otpauth-migration:// URI");
      const parsed = parseOtpauthUri(s);
      out.entries.push({ where, draft: parsed.draft, warnings: [...warnings, ...parsed.warnings] });
    } catch (err) {
      if (!(err instanceof OtpError)) throw err;
      out.problems.push({ where, reason: err.message });
    }
  }
  return out;
}

export function parseUriList(text: string, migration?: MigrationCodec): Decoded {
  return parseUriItems(textLines(text), migration);
}

/** The first meaningful line of a text's first 4 KiB, if any. */
export function firstLine(bytes: Uint8Array): string | undefined {
  const head = utf8.decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, "");
  return head.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
}

export const uriListCodec: Codec = {
  name: "uri",
  title: "otpauth:// URIs, one per line",
  // Text whose first meaningful line is a URI; anything else is left to --format uri.
  sniff: (src: ImportSource) => {
    const first = firstLine(src.bytes);
    return first !== undefined && /^otpauth:/i.test(first.replace(SCANNER_PREFIX, "$2"));
  },
  decode: (src) => decodeUriText(src),
};

/** A URI list, loading the migration decoder only when some line needs it. */
export async function decodeUriText(src: ImportSource): Promise<Decoded> {
  const text = utf8.decode(src.bytes);
  return parseUriList(text, /otpauth-migration:/i.test(text) ? await loadMigrationCodec() : undefined);
}
