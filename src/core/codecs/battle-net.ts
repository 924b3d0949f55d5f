// Battle.net Authenticator for Android (shared_prefs/com.blizzard.messenger.authenticator_
// preferences.xml): AUTHENTICATOR_SERIAL and AUTHENTICATOR_DEVICE_SECRET are hex strings
// XOR-masked (ENCRYPTION_TYPE MASK) with a fixed 56-byte key that Blizzard's app ships. The
// unmasked secret is 40 hex digits; codes are TOTP SHA1, 8 digits, 30 s.
import { InputError } from "../errors.js";
import { looksLikePrefs, parseAndroidPrefs } from "./android-prefs.js";
import type { Codec } from "./types.js";
import { hexBytes } from "./bytes.js";
import { collect, entry } from "./collect.js";
import { draftOf } from "./fields.js";
import { damaged, textOf } from "./input.js";

const P = "com.blizzard.messenger.";
const WHAT = "Battle.net authenticator file";
const MASK = Buffer.from(
  "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a",
  "hex",
);

function unmask(hex: string): string {
  const b = hexBytes(hex);
  if (b.length > MASK.length) throw new InputError("invalid-entry", "the masked value is longer than the mask");
  return String.fromCharCode(...b.map((x, i) => x ^ MASK[i]!));
}

export const battleNetCodec: Codec = {
  name: "battle-net",
  sniff: (src) => looksLikePrefs(src.bytes, `${P}AUTHENTICATOR_DEVICE_SECRET`),
  async decode(src) {
    const prefs = parseAndroidPrefs(textOf(src, WHAT));
    const secret = prefs?.get(`${P}AUTHENTICATOR_DEVICE_SECRET`);
    if (typeof secret !== "string") throw damaged(src, WHAT, "it has no AUTHENTICATOR_DEVICE_SECRET");
    const kind = prefs!.get(`${P}AUTHENTICATOR_CREDENTIALS_ENCRYPTION_TYPE`);
    if (kind !== undefined && kind !== "MASK")
      throw new InputError(
        "invalid-file",
        `${src.name}: Battle.net credentials encrypted as "${String(kind).slice(0, 20)}" are not supported (only MASK)`,
      );
    const serial = prefs!.get(`${P}AUTHENTICATOR_SERIAL`);
    return collect(
      [secret],
      () => "the authenticator",
      (s) => {
        const key = unmask(s);
        if (!/^[0-9a-fA-F]{40}$/.test(key)) throw new InputError("invalid-entry", "the unmasked secret is not 40 hex digits");
        const account = typeof serial === "string" && serial ? unmask(serial) : "";
        return entry(draftOf({ type: "totp", secret: hexBytes(key), issuer: "Battle.net", account, digits: 8 }));
      },
    );
  },
};
