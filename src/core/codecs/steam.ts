// Steam Guard secrets from the Steam mobile app (or tools like SDA): a JSON object with
// shared_secret (base64), account_name, revocation_code, …, either alone (the old
// Steamguard-<steamid> file) or under {accounts: {<id>: {…}}} (the newer app's blob). The
// revocation code is Steam's one recovery code, so it is kept beside the seed.
import { InputError } from "../errors.js";
import type { Codec } from "./types.js";
import { base64Bytes } from "./bytes.js";
import { collect, entry } from "./collect.js";
import { draftOf, str } from "./fields.js";
import { damaged, jsonOf } from "./input.js";
import { isObject } from "../json.js";

const isAccount = (v: unknown): v is Record<string, unknown> => isObject(v) && typeof v.shared_secret === "string";

function accounts(v: unknown): Record<string, unknown>[] | null {
  if (isAccount(v)) return [v];
  if (isObject(v) && isObject(v.accounts)) {
    const list = Object.values(v.accounts);
    if (list.length && list.every(isAccount)) return list as Record<string, unknown>[];
  }
  return null;
}

export const steamCodec: Codec = {
  name: "steam",
  sniff: (src) => accounts(jsonOf(src)) !== null,
  async decode(src) {
    const list = accounts(jsonOf(src));
    if (!list) throw damaged(src, "Steam Guard file", "it has no shared_secret");
    return collect(
      list,
      (i, a) => `account ${i + 1}${str(a.account_name) ? ` (${str(a.account_name)})` : ""}`,
      (a) => {
        const secret = base64Bytes(str(a.shared_secret));
        if (secret.length === 0) throw new InputError("invalid-secret", "shared_secret is empty");
        const revocation = str(a.revocation_code);
        return entry(
          draftOf({ type: "steam", secret, issuer: "Steam", account: str(a.account_name) }),
          [],
          revocation ? [revocation] : undefined,
        );
      },
    );
  },
};
