// A plain list of otpauth:// URIs, one per line (what `otp export --format uri` writes and
// most apps read). Blank lines and lines starting with # are skipped; a bad line becomes a
// problem with its number and reason, and the rest still import. otpauth-migration:// lines
// (Google Authenticator) are read too, so lists may mix both.
import { MAX_COUNTER } from "../entry.js";
import { InputError, OtpError } from "../errors.js";
import { MAX_ENTRIES } from "../limits.js";
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

/**
 * The meaningful lines of a text: not blank, not a # comment. Throws InputError `too-large`
 * past MAX_ENTRIES of them, before an object is made of each (16 MiB is 8 million lines);
 * `name` (the file) is for that message.
 */
export function textLines(text: string, name = "the list"): UriItem[] {
  const items: UriItem[] = [];
  const t = text.replace(/^\uFEFF/, "");
  for (let start = 0, i = 0; start <= t.length; i++) {
    const end = t.indexOf("\n", start);
    const s = t.slice(start, end < 0 ? t.length : end).trim();
    if (s !== "" && !s.startsWith("#")) {
      if (items.length === MAX_ENTRIES)
        throw new InputError("too-large", `${name}: more than ${MAX_ENTRIES} lines to read; an export holds far fewer`, [
          "split the list into smaller files",
        ]);
      items.push({ text: s, where: `line ${i + 1}` });
    }
    if (end < 0) break;
    start = end + 1;
  }
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
        if (!migration)
          throw new OtpError("invalid-uri", "a Google Authenticator otpauth-migration:// URI: import it with --format ga (or auto)");
        const part = migration.decode(s, where);
        for (const e of part.entries) out.entries.push({ ...e, warnings: [...warnings, ...e.warnings] });
        for (const p of part.problems) out.problems.push(p);
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

/** `name` (the file) is for the too-large error of textLines. */
export function parseUriList(text: string, migration?: MigrationCodec, name?: string): Decoded {
  return parseUriItems(textLines(text, name), migration);
}

/** The first meaningful line of a text's first 4 KiB, if any. */
export function firstLine(bytes: Uint8Array): string | undefined {
  const head = utf8.decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, "");
  return head
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
}

export const uriListCodec: Codec = {
  name: "uri",
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
  return parseUriList(text, /otpauth-migration:/i.test(text) ? await loadMigrationCodec() : undefined, src.name);
}

/**
 * pass-otp's URIs (`pass otp uri NAME`, or the otpauth:// line of a pass entry): a URI list,
 * except that pass-otp stores the counter of the HOTP code it last showed (it adds one before
 * making the next), so each HOTP counter is imported plus one and no used code is shown again.
 * Nothing in the text tells pass-otp's list from another: --format names it.
 */
export const passOtpCodec: Codec = {
  name: "pass-otp",
  sniff: () => false,
  decode: async (src) => {
    const d = await decodeUriText(src);
    let moved = 0;
    const entries = [];
    for (const e of d.entries) {
      if (e.draft.type !== "hotp") {
        entries.push(e);
        continue;
      }
      const counter = e.draft.counter ?? 0;
      if (counter >= MAX_COUNTER) {
        d.problems.push({ where: e.where, reason: "pass-otp has shown the code of the last counter there is (2^53 − 1): no code is left" });
        continue;
      }
      entries.push({ ...e, draft: { ...e.draft, counter: counter + 1 } });
      moved++;
    }
    if (moved > 0)
      d.notes.push(
        `pass-otp stores the counter of the HOTP code it last showed: ${moved === 1 ? "the counter is" : `each of ${moved} counters is`} imported plus one, the counter of the next code`,
      );
    return { ...d, entries };
  },
};
