// FreeOTP 1.x (shared_prefs/tokens.xml: one JSON token per <string>, plus tokenOrder) and
// FreeOTP+ (the same XML, or its JSON export {tokenOrder, tokens}). A token: {type TOTP/HOTP,
// algo, digits, period, counter, issuerExt, label, secret as a list of signed bytes}.
// Quirk: FreeOTP keeps the last HOTP counter it used (it reads counter=N from a URI as N−1
// and counts up before each code; its own URI export writes counter+1), so the counter is
// imported plus one, the next code FreeOTP would have shown.
import { InputError } from "../errors.js";
import { looksLikePrefs, parseAndroidPrefs } from "./android-prefs.js";
import type { Codec, Decoded, ImportSource } from "./types.js";
import { collect, entry } from "./collect.js";
import { algorithm, draftOf, int, str } from "./fields.js";
import { damaged, jsonOf, textOf } from "./input.js";
import { isObject } from "../json.js";

const WHAT = "FreeOTP token file";

export function signedBytes(v: unknown): Uint8Array {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= -128 && x <= 255))
    throw new InputError("invalid-secret", "secret is not a list of bytes");
  return new Uint8Array(v.map((x: number) => x & 0xff));
}

/** One FreeOTP token (1.x, FreeOTP+ or 2.x) with its key bytes; `storedCounterIsLast` for 1.x/FreeOTP+. */
export function freeOtpDraft(t: Record<string, unknown>, key: Uint8Array, storedCounterIsLast: boolean) {
  const kind = str(t.type).toUpperCase();
  const type = kind === "TOTP" ? "totp" : kind === "HOTP" ? "hotp" : kind === "STEAM" ? "steam" : null;
  if (!type) throw new InputError("invalid-entry", `type "${kind.slice(0, 12)}" is not supported (only TOTP, HOTP and STEAM)`);
  const counter = type === "hotp" ? int(t.counter, "counter", 0) + (storedCounterIsLast ? 1 : 0) : undefined;
  return draftOf({
    type,
    secret: key,
    issuer: str(t.issuerExt) || str(t.issuerInt),
    account: str(t.label),
    algorithm: algorithm(t.algo),
    digits: int(t.digits, "digits", 6),
    period: int(t.period, "period", 30),
    counter,
  });
}

const isToken = (t: unknown): t is Record<string, unknown> => isObject(t) && Array.isArray(t.secret) && typeof t.type === "string";
const isPlusJson = (v: unknown): v is { tokens: unknown[] } => isObject(v) && Array.isArray(v.tokens) && v.tokens.every(isToken);

function decodeTokens(tokens: { t: unknown; where: string }[]): Decoded {
  const out = collect(
    tokens,
    (_, x) => x.where,
    ({ t }) => {
      if (!isToken(t)) throw new InputError("invalid-entry", "not a FreeOTP token");
      return entry(freeOtpDraft(t, signedBytes(t.secret), true));
    },
  );
  if (out.entries.some((e) => e.draft.type === "hotp"))
    out.notes.push("FreeOTP stores the last HOTP counter it used: each is imported plus one, the counter of the next code");
  return out;
}

function fromXml(src: ImportSource): Decoded {
  const prefs = parseAndroidPrefs(textOf(src, WHAT));
  if (!prefs) throw damaged(src, WHAT, "it is not a readable tokens.xml");
  const tokens: { t: unknown; where: string }[] = [];
  for (const [k, v] of prefs) {
    if (k === "tokenOrder" || typeof v !== "string") continue;
    let t: unknown;
    try {
      t = JSON.parse(v);
    } catch {
      t = null;
    }
    tokens.push({ t, where: `token "${k}"` });
  }
  return decodeTokens(tokens);
}

export const freeotpCodec: Codec = {
  name: "freeotp",
  sniff: (src) => isPlusJson(jsonOf(src)) || (looksLikePrefs(src.bytes, "tokenOrder") && looksLikePrefs(src.bytes, "issuerExt")),
  async decode(src) {
    const v = jsonOf(src);
    if (isPlusJson(v))
      return decodeTokens(
        v.tokens.map((t, i) => ({ t, where: `token ${i + 1}${isObject(t) && str(t.issuerExt) ? ` (${str(t.issuerExt)})` : ""}` })),
      );
    return fromXml(src);
  },
};
