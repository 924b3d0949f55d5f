// otp's own plain export, `otp export --format json` (documented in the README):
//   { "format": "otpvault-export", "version": 1, "exportedAt": ISO-8601,
//     "entries": [ { "name", "issuer", "account", "type": "totp"|"hotp"|"steam", "secret" (base32),
//       "algorithm": "SHA1"|"SHA256"|"SHA512", "digits", "period" (totp, steam) | "counter" (hotp),
//       "tags": [..], "notes", "recoveryCodes": [ { "code", "usedAt": ISO-8601 | null } ] } ] }
// Everything an entry holds but its id and timestamps, so an import into another vault
// keeps names, tags, notes and recovery codes. A newer version is refused, not guessed at.
import type { Entry, RecoveryCode } from "../entry.js";
import { InputError } from "../errors.js";
import { safeJson } from "../text.js";
import type { Codec } from "./types.js";
import { collect, entry } from "./collect.js";
import { algorithm, draftOf, int, str } from "./fields.js";
import { damaged, jsonOf } from "./input.js";
import { isObject } from "../json.js";

export const JSON_FORMAT = "otpvault-export";
export const JSON_VERSION = 1;

export function encodeJsonExport(entries: Entry[], nowIso: string): string {
  const out = entries.map((e) => ({
    name: e.name,
    issuer: e.issuer,
    account: e.account,
    type: e.type,
    secret: e.secret,
    algorithm: e.algorithm,
    digits: e.digits,
    ...(e.type === "hotp" ? { counter: e.counter ?? 0 } : { period: e.period ?? 30 }),
    tags: e.tags ?? [],
    notes: e.notes ?? "",
    recoveryCodes: (e.recoveryCodes ?? []).map((r) => ({ code: r.code, usedAt: r.usedAt ?? null })),
  }));
  return safeJson({ format: JSON_FORMAT, version: JSON_VERSION, exportedAt: nowIso, entries: out }, 2) + "\n";
}

const isOurs = (v: unknown): v is { version: unknown; entries: unknown } => isObject(v) && v.format === JSON_FORMAT;

function recoveryCodes(v: unknown): RecoveryCode[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InputError("invalid-entry", "recoveryCodes is not a list");
  return v.map((r) => {
    if (typeof r === "string") return { code: r, usedAt: null };
    if (!isObject(r) || typeof r.code !== "string" || r.code.trim() === "")
      throw new InputError("invalid-entry", "a recovery code has no code");
    return { code: r.code, usedAt: typeof r.usedAt === "string" ? r.usedAt : null };
  });
}

export const otpvaultJsonCodec: Codec = {
  name: "otpvault",
  sniff: (src) => isOurs(jsonOf(src)),
  async decode(src) {
    const v = jsonOf(src);
    if (!isOurs(v)) throw damaged(src, "otp JSON export", `it is not an ${JSON_FORMAT} file`);
    if (v.version !== JSON_VERSION)
      throw new InputError(
        "invalid-file",
        `${src.name}: otp JSON export version ${String(v.version).slice(0, 10)} is not one this otp reads (${JSON_VERSION})`,
        ["update otp"],
      );
    if (!Array.isArray(v.entries)) throw damaged(src, "otp JSON export", "it has no entries list");
    return collect(
      v.entries,
      (i, e) => `entry ${i + 1}${isObject(e) && str(e.name) ? ` (${str(e.name)})` : ""}`,
      (e) => {
        if (!isObject(e)) throw new InputError("invalid-entry", "not an entry");
        const type = str(e.type);
        if (type !== "totp" && type !== "hotp" && type !== "steam")
          throw new InputError("invalid-entry", `type "${type.slice(0, 12)}" is not known to this otp`);
        const tags = Array.isArray(e.tags) ? e.tags.filter((t): t is string => typeof t === "string") : [];
        const draft = draftOf({
          type,
          secret: str(e.secret),
          name: str(e.name),
          issuer: str(e.issuer),
          account: str(e.account),
          algorithm: algorithm(e.algorithm),
          digits: int(e.digits, "digits", 6),
          period: int(e.period, "period", 30),
          counter: int(e.counter, "counter", 0),
          tags,
          notes: typeof e.notes === "string" ? e.notes : undefined,
        });
        return entry(draft, [], recoveryCodes(e.recoveryCodes));
      },
    );
  },
};
