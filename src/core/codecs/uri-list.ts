// A plain list of otpauth:// URIs, one per line (what `otp export --format uri` writes and
// most apps read). Blank lines and lines starting with # are skipped; a bad line becomes a
// problem with its number and reason, and the rest still import.
import { OtpError } from "../errors.js";
import { parseOtpauthUri } from "../uri.js";
import type { Codec, Decoded, ImportSource } from "./types.js";

const utf8 = new TextDecoder("utf-8");

export function parseUriList(text: string): Decoded {
  const out: Decoded = { entries: [], problems: [], notes: [] };
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s === "" || s.startsWith("#")) return;
    const where = `line ${i + 1}`;
    if (/^otpauth-migration:/i.test(s)) return out.problems.push({ where, reason: "Google Authenticator migration URIs are not supported yet" });
    if (!/^otpauth:/i.test(s)) return out.problems.push({ where, reason: "not an otpauth:// URI" });
    try {
      const { draft, warnings } = parseOtpauthUri(s);
      out.entries.push({ where, draft, warnings });
    } catch (err) {
      if (!(err instanceof OtpError)) throw err;
      out.problems.push({ where, reason: err.message });
    }
  });
  return out;
}

export const uriListCodec: Codec = {
  name: "uri",
  title: "otpauth:// URIs, one per line",
  // Text whose first meaningful line is a URI; anything else is left to --format uri.
  sniff: (src: ImportSource) => {
    const head = utf8.decode(src.bytes.subarray(0, 4096)).replace(/^\uFEFF/, "");
    const first = head.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
    return first !== undefined && /^otpauth(-migration)?:/i.test(first);
  },
  decode: async (src) => parseUriList(utf8.decode(src.bytes)),
};
