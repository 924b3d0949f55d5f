// The byte encodings apps store secrets and payloads in: hex and base64 (standard or URL-safe).
import { InputError } from "../errors.js";

export const utf8 = new TextDecoder("utf-8");

export function hexBytes(s: string): Uint8Array {
  const t = s.trim();
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) throw new InputError("invalid-secret", "secret is not hexadecimal");
  return new Uint8Array(Buffer.from(t, "hex"));
}

/** Standard or URL-safe base64, padding optional; throws InputError on anything else. */
export function base64Bytes(s: string, what = "secret"): Uint8Array {
  const t = s.trim().replace(/\\\//g, "/");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(t) || t.replace(/=+$/, "").length % 4 === 1)
    throw new InputError(what === "secret" ? "invalid-secret" : "invalid-file", `${what} is not base64`);
  return new Uint8Array(Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}
