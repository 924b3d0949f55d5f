// Microsoft Authenticator for Android's database (databases/PhoneFactor, from a rooted
// phone): SQLite table accounts(name = issuer, username, oath_secret_key, account_type). Type
// 0: an ordinary TOTP account, base32 secret; type 1: a personal Microsoft account, base64
// secret, 8 digits. Both SHA1 and 30 s. Work or school accounts that only approve sign-ins
// (other types, or no secret) have no code secret and are reported.
import { InputError } from "../errors.js";
import { readTable, sqliteMentions } from "./sqlite.js";
import type { Codec } from "./types.js";
import { base64Bytes } from "./bytes.js";
import { collect, entry } from "./collect.js";
import { draftOf, int, str } from "./fields.js";

export const microsoftAuthenticatorCodec: Codec = {
  name: "microsoft",
  sniff: (src) => sqliteMentions(src.bytes, ["oath_secret_key", "account_type"]),
  async decode(src) {
    const rows = await readTable(src, "accounts", "Microsoft Authenticator database");
    return collect(
      rows,
      (i, r) => `row ${i + 1}${str(r.name) ? ` (${str(r.name)})` : ""}`,
      (r) => {
        const t = int(r.account_type, "account_type", 0);
        const secret = str(r.oath_secret_key);
        if ((t !== 0 && t !== 1) || !secret)
          throw new InputError("invalid-entry", "a sign-in approval account without a code secret (Microsoft work or school account)");
        return entry(
          draftOf({
            type: "totp",
            secret: t === 0 ? secret : base64Bytes(secret),
            issuer: str(r.name),
            account: str(r.username),
            digits: t === 0 ? 6 : 8,
          }),
        );
      },
    );
  },
};
