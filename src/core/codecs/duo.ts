// Duo Mobile's account file (files/duokit/accounts.json, from a rooted phone): a JSON list of
// {name, otpGenerator: {otpSecret (base32), counter?}}. A counter means HOTP; Duo keeps no
// issuer, algorithm (SHA1), digits (6) or period (30 s).
import { InputError } from "../errors.js";
import type { Codec } from "./types.js";
import { collect, entry } from "./collect.js";
import { draftOf, int, str } from "./fields.js";
import { damaged, jsonOf } from "./input.js";
import { isObject } from "../json.js";

const isDuo = (v: unknown): v is unknown[] =>
  Array.isArray(v) && v.length > 0 && v.every((a) => isObject(a) && isObject(a.otpGenerator) && "otpSecret" in a.otpGenerator);

export const duoCodec: Codec = {
  name: "duo",
  sniff: (src) => isDuo(jsonOf(src)),
  async decode(src) {
    const v = jsonOf(src);
    if (!isDuo(v)) throw damaged(src, "Duo accounts.json", "it is not a list of Duo accounts");
    return collect(
      v,
      (i, a) => `account ${i + 1}${isObject(a) && str(a.name) ? ` (${str(a.name)})` : ""}`,
      (a) => {
        if (!isObject(a) || !isObject(a.otpGenerator)) throw new InputError("invalid-entry", "not a Duo account");
        const g = a.otpGenerator;
        const hotp = g.counter !== undefined && g.counter !== null;
        return entry(
          draftOf({
            type: hotp ? "hotp" : "totp",
            secret: str(g.otpSecret),
            account: str(a.name),
            counter: hotp ? int(g.counter, "counter") : undefined,
          }),
        );
      },
    );
  },
};
