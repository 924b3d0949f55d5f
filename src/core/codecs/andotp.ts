// andOTP backups: a JSON array of tokens {secret (base32), issuer, label, type TOTP/HOTP/
// STEAM, algorithm, digits, period | counter, tags}. Encrypted (.json.aes): new format =
// iterations (4 bytes, big-endian) | salt (12) | nonce (12) | AES-256-GCM ciphertext+tag,
// key PBKDF2-HMAC-SHA1(password, salt, iterations); old format = nonce (12) | ciphertext+tag
// with key SHA-256(password). Old versions had no issuer field and wrote the label as
// "Issuer - Issuer:Account": the issuer is split off and the repeated "Issuer:" dropped.
import { createHash, pbkdf2Sync } from "node:crypto";
import { InputError } from "../errors.js";
import type { Codec, ImportSource } from "./types.js";
import { aesGcmOpen } from "./aes.js";
import { collect, entry } from "./collect.js";
import { algorithm, draftOf, int, str } from "./fields.js";
import { damaged, jsonOf, jsonText } from "./input.js";
import { withPassword } from "./password.js";
import { isObject } from "../json.js";

const WHAT = "andOTP backup";
const MAX_ITERATIONS = 10_000_000;

function isAndOtp(v: unknown): v is unknown[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((t) => isObject(t) && typeof t.secret === "string" && typeof t.type === "string" && "label" in t)
  );
}

/** Issuer and account of one token, with the old-label quirk handled. */
export function andOtpNames(t: Record<string, unknown>): { issuer: string; account: string; fixed: boolean } {
  const label = str(t.label);
  if (str(t.issuer)) return { issuer: str(t.issuer), account: label, fixed: false };
  const dash = label.indexOf(" - ");
  if (dash < 0) return { issuer: "", account: label, fixed: false };
  const issuer = label.slice(0, dash).trim();
  let account = label.slice(dash + 3).trim();
  const fixed = account.toLowerCase().startsWith(issuer.toLowerCase() + ":");
  if (fixed) account = account.slice(issuer.length + 1).trim();
  return { issuer, account, fixed };
}

function decodeList(list: unknown[]) {
  let fixedCount = 0;
  const out = collect(
    list,
    (i, t) => `token ${i + 1}${isObject(t) && str(t.label) ? ` (${str(t.label)})` : ""}`,
    (t) => {
      if (!isObject(t)) throw new InputError("invalid-entry", "not an andOTP token");
      const kind = str(t.type).toUpperCase();
      const type = kind === "TOTP" ? "totp" : kind === "HOTP" ? "hotp" : kind === "STEAM" ? "steam" : null;
      if (!type) throw new InputError("invalid-entry", `type "${kind.slice(0, 12)}" is not supported (only TOTP, HOTP and STEAM)`);
      const { issuer, account, fixed } = andOtpNames(t);
      const tags = Array.isArray(t.tags) ? t.tags.filter((x): x is string => typeof x === "string" && x.trim() !== "") : [];
      const d = draftOf({
        type,
        secret: str(t.secret),
        issuer,
        account,
        algorithm: algorithm(t.algorithm),
        digits: int(t.digits, "digits", 6),
        period: int(t.period, "period", 30),
        counter: int(t.counter, "counter", 0),
        tags,
      });
      if (fixed) fixedCount++;
      return entry(d);
    },
  );
  if (fixedCount)
    out.notes.push(
      `old andOTP labels ("Issuer - Issuer:Account"): the repeated "Issuer:" is left out of ${fixedCount} ${fixedCount === 1 ? "account" : "accounts"}`,
    );
  return out;
}

async function decrypt(src: ImportSource, helpers: Parameters<Codec["decode"]>[1]): Promise<unknown> {
  const b = src.bytes;
  const iterations = b.length >= 4 ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0) : 0;
  // The new format starts with a plausible iteration count; the old one with a random nonce.
  const isNew = iterations >= 1000 && iterations <= MAX_ITERATIONS && b.length >= 4 + 12 + 12 + 16;
  if (!isNew && b.length < 12 + 16) throw damaged(src, WHAT, "it is too short");
  const plain = await withPassword(
    helpers,
    `${src.name} (andOTP)`,
    (pw) => {
      if (isNew) {
        const key = new Uint8Array(pbkdf2Sync(Buffer.from(pw, "utf8"), b.subarray(4, 16), iterations, 32, "sha1"));
        const p = aesGcmOpen(key, b.subarray(16, 28), b.subarray(28));
        if (p) return p;
      }
      return aesGcmOpen(new Uint8Array(createHash("sha256").update(pw, "utf8").digest()), b.subarray(0, 12), b.subarray(12));
    },
    "if the password is right, the file is damaged or truncated (andOTP backups cannot tell the two apart)",
  );
  const list = jsonText(plain);
  if (list === undefined) throw damaged(src, WHAT, "its decrypted content is not JSON");
  return list;
}

export const andotpCodec: Codec = {
  name: "andotp",
  sniff: (src) => isAndOtp(jsonOf(src)),
  async decode(src, helpers) {
    const plain = jsonOf(src);
    const list = plain !== undefined ? plain : await decrypt(src, helpers);
    if (!Array.isArray(list)) throw damaged(src, WHAT, "it is not a list of andOTP tokens");
    return decodeList(list);
  },
};
