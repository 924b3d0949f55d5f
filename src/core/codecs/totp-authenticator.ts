// TOTP Authenticator (com.authenticator.authservice2). Its backup (.bin/.encrypt) is base64
// of AES-256-CBC (zero IV, PKCS#7) with key SHA-256(password) — the user's, or the app's
// built-in "TotpAuthenticator" when none was set, which is tried first. The plaintext is a
// JSON object whose first key is itself a JSON list of {issuer, name, key, base 16|32|64,
// digits, period} (stringly typed). Its preferences file (TOTP_Authenticator_Preferences.xml)
// holds the same list under STATIC_TOTP_CODES_LIST. The app keeps no algorithm: SHA1.
import { createHash } from "node:crypto";
import { InputError } from "../errors.js";
import { looksLikePrefs, parseAndroidPrefs } from "./android-prefs.js";
import type { Codec, Decoded, ImportSource } from "./types.js";
import { aesCbcOpen } from "./aes.js";
import { base64Bytes, hexBytes } from "./bytes.js";
import { collect, entry } from "./collect.js";
import { draftOf, int, str } from "./fields.js";
import { damaged, jsonText, parseJson, textOf } from "./input.js";
import { withPassword } from "./password.js";
import { isObject } from "../json.js";

const WHAT = "TOTP Authenticator backup";
const PREF = "STATIC_TOTP_CODES_LIST";
const BUILT_IN = "TotpAuthenticator";

function decodeList(list: unknown): Decoded {
  if (!Array.isArray(list)) throw new InputError("invalid-file", "the TOTP Authenticator account list is not a JSON list");
  return collect(
    list,
    (i, a) => `account ${i + 1}${isObject(a) && str(a.issuer) ? ` (${str(a.issuer)})` : ""}`,
    (a) => {
      const o = isObject(a) ? a : typeof a === "string" ? (JSON.parse(a) as unknown) : null;
      if (!isObject(o)) throw new InputError("invalid-entry", "not a TOTP Authenticator account");
      const base = int(o.base, "base", 32);
      const key = str(o.key);
      const secret = base === 16 ? hexBytes(key) : base === 64 ? base64Bytes(key) : base === 32 ? key : null;
      if (secret === null) throw new InputError("invalid-entry", `secret encoding base ${base} is not supported (16, 32 or 64)`);
      return entry(
        draftOf({
          type: "totp",
          secret,
          issuer: str(o.issuer),
          account: str(o.name),
          digits: int(o.digits, "digits", 6),
          period: int(o.period, "period", 30),
        }),
      );
    },
  );
}

const looksBase64 = (b: Uint8Array) => {
  const t = new TextDecoder().decode(b.subarray(0, 4096)).trim();
  return t.length >= 24 && /^[A-Za-z0-9+/]+={0,2}$/.test(t.replace(/\s+/g, ""));
};

function open(pw: string, data: Uint8Array): unknown {
  const p = aesCbcOpen(new Uint8Array(createHash("sha256").update(pw, "utf8").digest()), new Uint8Array(16), data);
  if (p === "bad-length") return "bad-length";
  const v = p ? jsonText(p) : undefined;
  if (!isObject(v)) return undefined;
  const first = Object.keys(v)[0];
  return first === undefined ? [] : (JSON.parse(first) as unknown);
}

async function fromBackup(src: ImportSource, helpers: Parameters<Codec["decode"]>[1]): Promise<Decoded> {
  const data = base64Bytes(textOf(src, WHAT).replace(/\s+/g, ""), "the backup");
  let list: unknown;
  try {
    list = open(BUILT_IN, data);
    if (list === "bad-length") throw damaged(src, WHAT, "its ciphertext is cut short");
    if (list === undefined) list = await withPassword(helpers, `${src.name} (TOTP Authenticator)`, (pw) => open(pw, data));
  } catch (err) {
    if (err instanceof SyntaxError) throw damaged(src, WHAT, "its account list is not JSON");
    throw err;
  }
  return decodeList(list);
}

export const totpAuthenticatorCodec: Codec = {
  name: "totp-authenticator",
  // The backup is bare base64 (nothing to recognise it by): name it with --format.
  sniff: (src) => looksLikePrefs(src.bytes, PREF),
  async decode(src, helpers) {
    if (looksLikePrefs(src.bytes, PREF)) {
      const raw = parseAndroidPrefs(textOf(src, WHAT))?.get(PREF);
      if (typeof raw !== "string") throw damaged(src, WHAT, `it has no ${PREF}`);
      return decodeList(parseJson(raw, src, WHAT));
    }
    if (!looksBase64(src.bytes)) throw damaged(src, WHAT, "it is neither a base64 backup nor the app's preferences file");
    return fromBackup(src, helpers);
  },
};
