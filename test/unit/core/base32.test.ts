// Base32 secrets: what people paste is normalised, what cannot be a key is refused without
// echoing it, and encode/decode round-trip (docs/testplan.md H.58).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase32, encodeBase32, normaliseSecret, sameSecret, secretBits } from "../../../src/core/base32.js";
import { InputError } from "../../../src/core/errors.js";

function refusal(input: string): InputError {
  try {
    normaliseSecret(input);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("normaliseSecret accepted an invalid secret");
}

describe("normaliseSecret", () => {
  it.each([
    ["JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXP"],
    ["jbswy3dpehpk3pxp", "JBSWY3DPEHPK3PXP"],
    ["jbsw y3dp ehpk 3pxp", "JBSWY3DPEHPK3PXP"],
    ["JBSW-Y3DP-EHPK-3PXP", "JBSWY3DPEHPK3PXP"],
    ["\tJBSWY3DP\nEHPK3PXP\r\n", "JBSWY3DPEHPK3PXP"],
    ["JBSW\u00a0Y3DP EHPK 3PXP", "JBSWY3DPEHPK3PXP"],
    ["MZXW6===", "MZXW6"],
    ["MZXW6", "MZXW6"],
    ["MZXW6=====", "MZXW6"],
    ["mzxw 6== =", "MZXW6"],
    ["GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"],
  ])("accepts %j as %s", (input, out) => {
    expect(normaliseSecret(input)).toBe(out);
  });

  it("accepts non-zero unused trailing bits, like Google Authenticator and otpauth", () => {
    // "MZXW7" has the low bits set that "MZXW6" leaves zero; both decode to "foo"
    expect(normaliseSecret("MZXW7")).toBe("MZXW7");
    expect(Buffer.from(decodeBase32("MZXW7")).toString()).toBe("foo");
    expect(sameSecret("MZXW6", "mzxw7")).toBe(true);
  });

  it.each([
    ["", "secret is empty"],
    ["   ", "secret is empty"],
    ["====", "secret is empty"],
    ["- -", "secret is empty"],
    ["JBSWY3DPEHPK3PX0", "secret is not base32: character 16 is not one of A–Z, 2–7"],
    ["1BSWY3DPEHPK3PXP", "secret is not base32: character 1 is not one of A–Z, 2–7"],
    ["JBSW Y3D8", "secret is not base32: character 9 is not one of A–Z, 2–7"],
    ["JBSWY9DP", "secret is not base32: character 6 is not one of A–Z, 2–7"],
    ["MZ=XW6", "secret is not base32: character 3 is not one of A–Z, 2–7"],
    ["JBSWY3DPéHPK3PXP", "secret is not base32: character 9 is not one of A–Z, 2–7"],
    ["🔑JBSWY3DP", "secret is not base32: character 1 is not one of A–Z, 2–7"],
    ["ıBSWY3DP", "secret is not base32: character 1 is not one of A–Z, 2–7"],
    ["JBSWY3DPE", "secret has an impossible base32 length"],
    ["JBSWY3DPEHP", "secret has an impossible base32 length"],
    ["JBSWY3DPEHPK3P", "secret has an impossible base32 length"],
    ["A", "secret has an impossible base32 length"],
  ])("refuses %j: %s", (input, message) => {
    const e = refusal(input);
    expect(e.kind).toBe("invalid-secret");
    expect(e.message).toBe(message);
  });

  it("only ever says one of three fixed sentences, so no part of the input can appear", () => {
    const FIXED = /^(secret is empty|secret has an impossible base32 length|secret is not base32: character \d+ is not one of A–Z, 2–7)$/;
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), (input) => {
        try {
          normaliseSecret(input);
        } catch (e) {
          expect((e as Error).message).toMatch(FIXED);
        }
      }),
    );
    expect(refusal("SECRETSECRET0").message).not.toMatch(/SECRET|0"/);
  });
});

describe("encodeBase32 / decodeBase32", () => {
  it.each([
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ])("RFC 4648 §10: %j ↔ %s", (text, b32) => {
    expect(encodeBase32(Buffer.from(text))).toBe(b32);
    expect(Buffer.from(decodeBase32(b32)).toString()).toBe(text);
  });

  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (bytes) => {
        const b32 = encodeBase32(bytes);
        expect(b32).toMatch(/^[A-Z2-7]*$/);
        expect(decodeBase32(b32)).toEqual(bytes);
        if (bytes.length > 0) {
          expect(normaliseSecret(b32.toLowerCase())).toBe(b32);
          expect(secretBits(b32)).toBe(bytes.length * 8);
        }
      }),
    );
  });

  it("refuses a character outside the alphabet with invalid-secret", () => {
    expect(() => decodeBase32("MZXW1")).toThrow(expect.objectContaining({ kind: "invalid-secret" }));
  });
});

describe("secretBits and sameSecret", () => {
  it("counts key bits", () => {
    expect(secretBits("JBSWY3DPEHPK3PXP")).toBe(80);
    expect(secretBits("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")).toBe(160);
    expect(secretBits("MZXW6")).toBe(24);
  });
  it("compares decoded bytes, not spellings", () => {
    expect(sameSecret("jbsw-y3dp ehpk 3pxp", "JBSWY3DPEHPK3PXP")).toBe(true);
    expect(sameSecret("JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXQ")).toBe(false);
    expect(sameSecret("MZXW6", "MZXW6YQ")).toBe(false);
    expect(sameSecret("", "")).toBe(false);
    expect(sameSecret("0000", "0000")).toBe(false);
  });
});
