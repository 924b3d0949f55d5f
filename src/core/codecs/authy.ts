// Authy for Android's token store (shared_prefs/com.authy.storage.tokens.authenticator.xml,
// read from a rooted phone): the string com.authy.storage.tokens.authenticator.key holds a
// JSON list of {originalName "Issuer:Account", originalIssuer, name, digits, and either
// decryptedSecret (base32) or encryptedSecret (base64) + salt}. Encrypted secrets: key =
// PBKDF2-HMAC-SHA1(backup password, UTF-8 salt, 1000 rounds, 32 bytes), AES-256-CBC with a
// zero IV, PKCS#7; the plaintext is the base32 secret. Authy stores neither the algorithm nor
// the period of these tokens: SHA1 and 30 s, the values every third-party site uses with it.
import { pbkdf2Sync } from "node:crypto";
import { normaliseSecret } from "../base32.js";
import { InputError, OtpError } from "../errors.js";
import { looksLikePrefs, parseAndroidPrefs } from "./android-prefs.js";
import type { Codec, ImportSource } from "./types.js";
import { aesCbcOpen } from "./aes.js";
import { base64Bytes, utf8 } from "./bytes.js";
import { collect, entry } from "./collect.js";
import { draftOf, int, str } from "./fields.js";
import { damaged, parseJson, textOf } from "./input.js";
import { withPassword } from "./password.js";
import { isObject } from "../json.js";

const KEY = "com.authy.storage.tokens.authenticator.key";
const WHAT = "Authy token file";
const NO_PERIOD = "Authy does not store the period: imported as 30 s; check one code against the site";

function openSecret(pw: string, t: Record<string, unknown>): string | undefined {
  const key = new Uint8Array(pbkdf2Sync(Buffer.from(pw, "utf8"), Buffer.from(str(t.salt), "utf8"), 1000, 32, "sha1"));
  const p = aesCbcOpen(key, new Uint8Array(16), base64Bytes(str(t.encryptedSecret)));
  if (!p || p === "bad-length") return undefined;
  try {
    return normaliseSecret(utf8.decode(p));
  } catch {
    return undefined;
  }
}

function names(t: Record<string, unknown>): { issuer: string; account: string } {
  const original = str(t.originalName);
  const name = str(t.name);
  const colon = original.indexOf(":");
  const issuer =
    str(t.originalIssuer) ||
    (colon >= 0 ? original.slice(0, colon).trim() : name.includes(" - ") ? name.slice(0, name.indexOf(" - ")).trim() : "");
  let account = colon >= 0 ? original.slice(colon + 1).trim() : original || name;
  if (issuer && account.startsWith(issuer + ":")) account = account.slice(issuer.length + 1).trim();
  return { issuer, account };
}

export const authyCodec: Codec = {
  name: "authy",
  sniff: (src) => looksLikePrefs(src.bytes, KEY),
  async decode(src: ImportSource, helpers) {
    const prefs = parseAndroidPrefs(textOf(src, WHAT));
    const raw = prefs?.get(KEY);
    if (typeof raw !== "string") throw damaged(src, WHAT, `it has no ${KEY}`);
    const tokens = parseJson(raw, src, WHAT);
    if (!Array.isArray(tokens)) throw damaged(src, WHAT, "its token list is not a JSON list");
    const encrypted = tokens.filter((t) => isObject(t) && typeof t.encryptedSecret === "string");
    let password: string | undefined;
    if (encrypted.length) {
      // The first encrypted secret that opens proves the password; the others then must.
      const probe = encrypted[0] as Record<string, unknown>;
      password = await withPassword(helpers, `${src.name} (Authy backup password)`, (pw) => (openSecret(pw, probe) ? pw : undefined));
    }
    const out = collect(
      tokens,
      (i, t) => `token ${i + 1}${isObject(t) && str(t.name) ? ` (${str(t.name)})` : ""}`,
      (t) => {
        if (!isObject(t)) throw new InputError("invalid-entry", "not an Authy token");
        let secret = str(t.decryptedSecret);
        if (!secret && typeof t.encryptedSecret === "string") {
          try {
            secret = openSecret(password!, t) ?? "";
          } catch (err) {
            if (!(err instanceof OtpError)) throw err;
          }
          if (!secret) throw new InputError("invalid-entry", "its encrypted secret does not open with the password that opened the others");
        }
        const { issuer, account } = names(t);
        return entry(draftOf({ type: "totp", secret, issuer, account, digits: int(t.digits, "digits", 6) }));
      },
    );
    if (out.entries.length) out.notes.push(NO_PERIOD);
    return out;
  },
};
