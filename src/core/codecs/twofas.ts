// 2FAS Authenticator backups (.2fas, schemas 1 to 4): `{schemaVersion, services: [{name,
// secret, otp: {issuer, account, digits, period, algorithm, tokenType, counter}}]}`.
// Encrypted ones keep services empty and put "ciphertext+tag:salt:iv" (base64 each) in
// servicesEncrypted: PBKDF2-HMAC-SHA256, 10000 rounds, 32-byte key, AES-256-GCM. `reference`
// holds a known text under the same key, so a wrong password is told from a damaged file.
import { pbkdf2Sync } from "node:crypto";
import { InputError } from "../errors.js";
import type { Codec, ImportSource } from "./types.js";
import { aesGcmOpen } from "./aes.js";
import { base64Bytes } from "./bytes.js";
import { collect, entry } from "./collect.js";
import { algorithm, draftOf, int, str } from "./fields.js";
import { damaged, jsonOf, jsonText } from "./input.js";
import { withPassword } from "./password.js";
import { isObject } from "../json.js";

const WHAT = "2FAS backup";

function isTwoFas(v: unknown): v is Record<string, unknown> {
  return (
    isObject(v) &&
    typeof v.schemaVersion === "number" &&
    Array.isArray(v.services) &&
    ("servicesEncrypted" in v || v.services.every((s) => isObject(s) && "secret" in s))
  );
}

function sealed(text: unknown, src: ImportSource): { data: Uint8Array; salt: Uint8Array; iv: Uint8Array } {
  const parts = typeof text === "string" ? text.split(":") : [];
  if (parts.length < 3) throw damaged(src, WHAT, "its encrypted part is not ciphertext:salt:iv");
  const [data, salt, iv] = parts.map((p) => base64Bytes(p, "the encrypted part"));
  if (iv!.length !== 12 || data!.length < 16) throw damaged(src, WHAT, "its encrypted part is cut short");
  return { data: data!, salt: salt!, iv: iv! };
}

async function decrypt(v: Record<string, unknown>, src: ImportSource, helpers: Parameters<Codec["decode"]>[1]): Promise<unknown[]> {
  const services = sealed(v.servicesEncrypted, src);
  const reference = v.reference === undefined ? undefined : sealed(v.reference, src);
  const plain = await withPassword(helpers, `${src.name} (2FAS)`, (pw) => {
    const key = new Uint8Array(pbkdf2Sync(Buffer.from(pw, "utf8"), services.salt, 10_000, 32, "sha256"));
    if (reference) {
      const refKey =
        Buffer.compare(reference.salt, services.salt) === 0 ? key : new Uint8Array(pbkdf2Sync(pw, reference.salt, 10_000, 32, "sha256"));
      if (!aesGcmOpen(refKey, reference.iv, reference.data)) return undefined;
      // The password is right: a services part that fails now is damage.
      return aesGcmOpen(key, services.iv, services.data) ?? "damaged";
    }
    return aesGcmOpen(key, services.iv, services.data);
  });
  if (plain === "damaged") throw damaged(src, WHAT, "its services do not decrypt although the password is right (damaged or truncated)");
  const list = jsonText(plain);
  if (!Array.isArray(list)) throw damaged(src, WHAT, "its decrypted services are not a JSON list");
  return list;
}

export const twofasCodec: Codec = {
  name: "2fas",
  sniff: (src) => isTwoFas(jsonOf(src)),
  async decode(src, helpers) {
    const v = jsonOf(src);
    if (!isTwoFas(v)) throw damaged(src, WHAT, "it is not a 2FAS backup (no schemaVersion and services)");
    if ((v.schemaVersion as number) > 4)
      throw new InputError("invalid-file", `${src.name}: 2FAS schema ${v.schemaVersion} is newer than this otp reads (1 to 4)`);
    const services = typeof v.servicesEncrypted === "string" ? await decrypt(v, src, helpers) : (v.services as unknown[]);
    return collect(
      services,
      (i, s) => `service ${i + 1}${isObject(s) && str(s.name) ? ` (${str(s.name)})` : ""}`,
      (s) => {
        if (!isObject(s)) throw new InputError("invalid-entry", "not a 2FAS service");
        const otp = isObject(s.otp) ? s.otp : {};
        const kind = str(otp.tokenType).toUpperCase() || "TOTP";
        const type = kind === "TOTP" ? "totp" : kind === "HOTP" ? "hotp" : kind === "STEAM" ? "steam" : null;
        if (!type) throw new InputError("invalid-entry", `token type "${kind.slice(0, 12)}" is not supported`);
        return entry(
          draftOf({
            type,
            secret: str(s.secret),
            issuer: str(otp.issuer) || str(s.name),
            account: str(otp.account),
            algorithm: algorithm(otp.algorithm),
            digits: int(otp.digits, "digits", 6),
            period: int(otp.period, "period", 30),
            counter: int(otp.counter, "counter", 0),
          }),
        );
      },
    );
  },
};
