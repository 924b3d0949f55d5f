// Stratum (formerly Authenticator Pro) backups and database. Plain backup: JSON {Authenticators:
// [{Type 1 HOTP / 2 TOTP / 3 mOTP / 4 Steam / 5 Yandex, Issuer, Username, Secret base32,
// Algorithm 0 SHA1 / 1 SHA256 / 2 SHA512, Digits, Period, Counter}], Categories, …}.
// Encrypted: "AUTHENTICATORPRO" | salt (16) | nonce (12) | AES-256-GCM ciphertext+tag, key
// Argon2id (3 passes, 64 MiB, 4 lanes) — or the legacy "AuthenticatorPro" | salt (20) |
// IV (16) | AES-256-CBC, key PBKDF2-HMAC-SHA1 64000 rounds. The app database
// (authenticator.db3) has the same fields in table authenticator.
import { pbkdf2Sync } from "node:crypto";
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { argon2idLanesNative } from "../vault/kdf.js";
import { InputError } from "../errors.js";
import type { Algorithm, OtpType } from "../entry.js";
import { readTable, sqliteMentions } from "./sqlite.js";
import type { Codec, Decoded, ImportSource } from "./types.js";
import { aesCbcOpen, aesGcmOpen } from "./aes.js";
import { collect, entry } from "./collect.js";
import { draftOf, int, str } from "./fields.js";
import { damaged, jsonOf, jsonText } from "./input.js";
import { withPassword } from "./password.js";
import { isObject } from "../json.js";

const WHAT = "Stratum backup";
const HEADER = "AUTHENTICATORPRO";
const LEGACY = "AuthenticatorPro";
const TYPES: Record<number, OtpType> = { 1: "hotp", 2: "totp", 4: "steam" };
const ALGS: Algorithm[] = ["SHA1", "SHA256", "SHA512"];

const isStratum = (v: unknown): v is { Authenticators: unknown[] } => isObject(v) && Array.isArray(v.Authenticators);

function decodeRows(rows: Record<string, unknown>[], key: (r: Record<string, unknown>, k: string) => unknown): Decoded {
  return collect(
    rows,
    (i, r) => `authenticator ${i + 1}${str(key(r, "issuer")) ? ` (${str(key(r, "issuer"))})` : ""}`,
    (r) => {
      const t = int(key(r, "type"), "type");
      const type = TYPES[t];
      if (!type)
        throw new InputError(
          "invalid-entry",
          `type ${t === 3 ? "mOTP" : t === 5 ? "Yandex" : t} is not supported (only TOTP, HOTP and Steam)`,
        );
      const alg = ALGS[int(key(r, "algorithm"), "algorithm", 0)];
      if (!alg) throw new InputError("invalid-entry", "unsupported algorithm");
      return entry(
        draftOf({
          type,
          secret: str(key(r, "secret")),
          issuer: str(key(r, "issuer")),
          account: str(key(r, "username")),
          algorithm: alg,
          digits: int(key(r, "digits"), "digits", 6),
          period: int(key(r, "period"), "period", 30),
          counter: int(key(r, "counter"), "counter", 0),
        }),
      );
    },
  );
}

const pascal = (r: Record<string, unknown>, k: string) => r[k[0]!.toUpperCase() + k.slice(1)];

function header(b: Uint8Array): string {
  return new TextDecoder("latin1").decode(b.subarray(0, 16));
}

async function decrypt(src: ImportSource, helpers: Parameters<Codec["decode"]>[1]): Promise<unknown> {
  const b = src.bytes;
  const legacy = header(b) === LEGACY;
  if (b.length < (legacy ? 16 + 20 + 16 + 16 : 16 + 16 + 12 + 16)) throw damaged(src, WHAT, "it is too short");
  let cut = false;
  const plain = await withPassword(
    helpers,
    `${src.name} (Stratum)`,
    async (pw) => {
      if (legacy) {
        const key = new Uint8Array(pbkdf2Sync(Buffer.from(pw, "utf8"), b.subarray(16, 36), 64_000, 32, "sha1"));
        const p = aesCbcOpen(key, b.subarray(36, 52), b.subarray(52));
        if (p === "bad-length") return ((cut = true), new Uint8Array(0));
        return p && jsonText(p) !== undefined ? p : undefined;
      }
      const [bytes, salt] = [new TextEncoder().encode(pw), b.subarray(16, 32)];
      // Native where it loads (4 lanes: libsodium has one), else JavaScript: ~0.1 s against ~4 s.
      const key =
        (await argon2idLanesNative(bytes, salt, { t: 3, mKiB: 65536, p: 4, dkLen: 32 })) ??
        (await argon2idAsync(bytes, salt, { t: 3, m: 65536, p: 4, dkLen: 32 }));
      return aesGcmOpen(key, b.subarray(32, 44), b.subarray(44));
    },
    legacy ? undefined : "if the password is right, the file is damaged or truncated (Stratum backups cannot tell the two apart)",
  );
  if (cut) throw damaged(src, WHAT, "its ciphertext is cut short");
  const v = jsonText(plain);
  if (v === undefined) throw damaged(src, WHAT, "its decrypted content is not JSON");
  return v;
}

export const stratumCodec: Codec = {
  name: "stratum",
  sniff: (src) =>
    isStratum(jsonOf(src)) ||
    [HEADER, LEGACY].includes(header(src.bytes)) ||
    sqliteMentions(src.bytes, ['CREATE TABLE "authenticator"', "ranking"]),
  async decode(src, helpers) {
    if (sqliteMentions(src.bytes, ["authenticator"]))
      return decodeRows(await readTable(src, "authenticator", "Stratum database"), (r, k) => r[k]);
    const plain = jsonOf(src);
    const v = plain !== undefined ? plain : [HEADER, LEGACY].includes(header(src.bytes)) ? await decrypt(src, helpers) : undefined;
    if (!isStratum(v)) throw damaged(src, WHAT, "it has no Authenticators list");
    return decodeRows(v.Authenticators.filter(isObject), pascal);
  },
};
