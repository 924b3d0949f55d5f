// FreeOTP 2.x backups (externalBackup.xml, which despite the name is a Java-serialized
// HashMap<String, String>): "masterKey" → {mAlgorithm PBKDF2withHmacSHA1|SHA512, mIterations,
// mSalt, mEncryptedKey}; "<uuid>" → {key: JSON of an encrypted key}; "<uuid>-token" → the
// token's settings. An encrypted key is {mCipher AES/GCM/NoPadding, mCipherText (ciphertext
// then tag, signed bytes), mParameters (DER GCMParameters: the nonce), mToken (the AAD)}.
// The password's PBKDF2 key opens the master key; the master key opens each token's secret.
// These counters are the next ones to use (2.x no longer stores the last one).
import { pbkdf2Sync } from "node:crypto";
import { InputError } from "../errors.js";
import { isJavaHashMap, JavaSerialError, readJavaStringMap } from "./java-serial.js";
import type { Codec, ImportSource } from "./types.js";
import { aesGcmOpen } from "./aes.js";
import { collect, entry } from "./collect.js";
import { int, str } from "./fields.js";
import { damaged } from "./input.js";
import { withPassword } from "./password.js";
import { isObject } from "../json.js";
import { freeOtpDraft, signedBytes } from "./freeotp.js";

const WHAT = "FreeOTP 2 backup";

interface Sealed {
  data: Uint8Array;
  nonce: Uint8Array;
  aad: Uint8Array;
}

/**
 * The nonce in the DER of Java's GCMParameters: `SEQUENCE { OCTET STRING nonce, INTEGER
 * tagLength }`, or (older Android, API 23) the bare `OCTET STRING nonce`.
 */
function gcmNonce(der: Uint8Array): Uint8Array {
  const at = der[0] === 0x30 ? 2 : 0;
  if (der[at] !== 0x04 || der[at + 1]! + at + 2 > der.length || der[at + 1]! < 12)
    throw new InputError("invalid-entry", "the GCM parameters are not DER");
  return der.subarray(at + 2, at + 2 + der[at + 1]!);
}

function sealedKey(v: unknown): Sealed {
  if (!isObject(v) || str(v.mCipher) !== "AES/GCM/NoPadding") throw new InputError("invalid-entry", "the key is not AES/GCM");
  return { data: signedBytes(v.mCipherText), nonce: gcmNonce(signedBytes(v.mParameters)), aad: new TextEncoder().encode(str(v.mToken)) };
}

function json(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function masterKeyParams(map: Map<string, string>, src: ImportSource) {
  const m = json(map.get("masterKey"));
  if (!isObject(m)) throw damaged(src, WHAT, "it has no masterKey");
  const alg = str(m.mAlgorithm).toLowerCase();
  const digest =
    alg === "pbkdf2withhmacsha1" ? "sha1" : alg === "pbkdf2withhmacsha512" ? "sha512" : alg === "pbkdf2withhmacsha256" ? "sha256" : null;
  if (!digest)
    throw new InputError("invalid-file", `${src.name}: FreeOTP master key algorithm "${str(m.mAlgorithm).slice(0, 30)}" is not supported`);
  const iterations = int(m.mIterations, "iterations");
  if (iterations < 1 || iterations > 10_000_000)
    throw new InputError("invalid-file", `${src.name}: FreeOTP's ${iterations} PBKDF2 iterations are out of range`);
  let key: Sealed;
  try {
    key = sealedKey(m.mEncryptedKey);
  } catch {
    throw damaged(src, WHAT, "its masterKey is not readable");
  }
  return { digest, iterations, salt: signedBytes(m.mSalt), key };
}

export const freeotp2Codec: Codec = {
  name: "freeotp2",
  sniff: (src) => isJavaHashMap(src.bytes) && new TextDecoder("latin1").decode(src.bytes).includes("masterKey"),
  async decode(src, helpers) {
    let map: Map<string, string>;
    try {
      map = readJavaStringMap(src.bytes);
    } catch (err) {
      if (!(err instanceof JavaSerialError)) throw err;
      throw damaged(src, WHAT, `it is not a readable backup (${err.message})`);
    }
    const p = masterKeyParams(map, src);
    const master = await withPassword(helpers, `${src.name} (FreeOTP)`, (pw) => {
      const k = new Uint8Array(pbkdf2Sync(Buffer.from(pw, "utf8"), p.salt, p.iterations, 32, p.digest));
      return aesGcmOpen(k, p.key.nonce, p.key.data, p.key.aad);
    });
    const ids = [...map.keys()].filter((k) => k.endsWith("-token")).map((k) => k.slice(0, -"-token".length));
    return collect(
      ids,
      (i, id) => {
        const t = json(map.get(`${id}-token`));
        return `token ${i + 1}${isObject(t) && str(t.issuerExt) ? ` (${str(t.issuerExt)})` : ""}`;
      },
      (id) => {
        const t = json(map.get(`${id}-token`));
        const k = json(map.get(id));
        if (!isObject(t) || !isObject(k) || typeof k.key !== "string")
          throw new InputError("invalid-entry", "its settings or key are missing or not JSON");
        const s = sealedKey(json(k.key));
        const secret = aesGcmOpen(master, s.nonce, s.data, s.aad);
        if (!secret) throw new InputError("invalid-entry", "its secret does not decrypt with the master key (damaged)");
        return entry(freeOtpDraft(t, secret, false));
      },
    );
  },
};
