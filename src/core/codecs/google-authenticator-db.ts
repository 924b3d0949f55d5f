// Google Authenticator for Android's own database (databases/databases, app versions up to
// 5.00, from a rooted phone): SQLite table accounts(email, secret base32, counter, type 0 =
// TOTP / 1 = HOTP, issuer, original_name). It stores no algorithm, digits or period: SHA1, 6
// and 30 s, the only values that app supported. (Its export QR codes, otpauth-migration://,
// are the `ga` format.)
import { InputError } from "../errors.js";
import { readTable, sqliteMentions } from "./sqlite.js";
import type { Codec } from "./types.js";
import { collect, entry } from "./collect.js";
import { draftOf, int, str } from "./fields.js";

export const googleAuthenticatorDbCodec: Codec = {
  name: "ga-db",
  sniff: (src) => sqliteMentions(src.bytes, ["CREATE TABLE accounts", "original_name"]),
  async decode(src) {
    const rows = await readTable(src, "accounts", "Google Authenticator database");
    return collect(
      rows,
      (i, r) => `row ${i + 1}${str(r.email) ? ` (${str(r.email)})` : ""}`,
      (r) => {
        const t = int(r.type, "type", 0);
        if (t !== 0 && t !== 1) throw new InputError("invalid-entry", `account type ${t} is not supported (0 TOTP, 1 HOTP)`);
        const email = str(r.email);
        const colon = email.indexOf(":");
        const issuer = str(r.issuer) || (colon >= 0 ? email.slice(0, colon).trim() : "");
        const account = colon >= 0 ? email.slice(colon + 1).trim() : email;
        return entry(
          draftOf({
            type: t === 0 ? "totp" : "hotp",
            secret: str(r.secret),
            issuer,
            account,
            counter: t === 1 ? int(r.counter, "counter", 0) : undefined,
          }),
        );
      },
    );
  },
};
