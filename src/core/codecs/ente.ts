// Ente Auth's plain export: otpauth:// URIs one per line, each with an extra codeDisplay=
// parameter (URL-encoded JSON: pinned, trashed, tags, …). Trashed codes are left out, the
// tags become otp tags; the rest is the URI list.
import type { Codec, ImportSource } from "./types.js";
import { parseUriList } from "./uri-list.js";
import { isObject } from "../json.js";
import { utf8 } from "./bytes.js";

function displayOf(line: string): Record<string, unknown> | null {
  const q = line.indexOf("?");
  const raw = q < 0 ? null : new URLSearchParams(line.slice(q + 1).split("#")[0]).get("codeDisplay");
  if (raw === null) return null;
  try {
    const v: unknown = JSON.parse(raw);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

export const enteCodec: Codec = {
  name: "ente",
  // Every URI line carries codeDisplay: what marks an Ente export.
  sniff: (src: ImportSource) => {
    const lines = utf8
      .decode(src.bytes.subarray(0, 64 * 1024))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
    return lines.length > 0 && lines.every((l) => /^otpauth:\/\//i.test(l) && /[?&]codeDisplay=/.test(l));
  },
  async decode(src) {
    const lines = utf8.decode(src.bytes).split(/\r?\n/);
    const out = parseUriList(utf8.decode(src.bytes), undefined, src.name);
    const kept = out.entries.filter((e) => {
      const n = Number(e.where.replace(/^line /, ""));
      const display = displayOf(lines[n - 1] ?? "");
      if (display?.trashed === true) {
        out.notes.push(`${e.where}: left out, it is in Ente's trash`);
        return false;
      }
      const tags = Array.isArray(display?.tags) ? display!.tags.filter((t): t is string => typeof t === "string" && t.trim() !== "") : [];
      if (tags.length) e.draft.tags = tags;
      return true;
    });
    return { ...out, entries: kept };
  },
};
