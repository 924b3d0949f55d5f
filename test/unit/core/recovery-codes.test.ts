// Recovery codes (core/recovery-codes.ts): what people paste, adding without duplicates, handing
// out each code once, masking.
import { describe, expect, it } from "vitest";
import type { Entry } from "../../../src/core/entry.js";
import { InputError, OtpError } from "../../../src/core/errors.js";
import { addRecoveryCodes, maskCode, parseRecoveryCodes, takeRecoveryCode } from "../../../src/core/recovery-codes.js";

describe("parseRecoveryCodes", () => {
  it.each([
    ["one per line (GitHub's download)", "abcde-12345\nfghij-67890\n", ["abcde-12345", "fghij-67890"]],
    ["separated by spaces", "abcd-1111 bbbb-2222  cccc-3333", ["abcd-1111", "bbbb-2222", "cccc-3333"]],
    ["CRLF, blank lines, comments and list numbers", "# GitHub\r\n\r\n1. aaaa-1111\r\n2) bbbb-2222\r\n", ["aaaa-1111", "bbbb-2222"]],
    ["Google's 4+4 digit codes, also two to a line", "1234 5678\n2345 6789    3456 7890\n", ["1234 5678", "2345 6789", "3456 7890"]],
    ["commas, semicolons and tabs", "aaaa,bbbb;cccc\tdddd", ["aaaa", "bbbb", "cccc", "dddd"]],
    ["duplicates, by letters and digits only", "aaaa-1111\nAAAA1111\n", ["aaaa-1111"]],
  ])("%s", (_, text, want) => {
    expect(parseRecoveryCodes(text)).toEqual(want);
  });

  it("refuses nothing, an otpauth URI, and things that cannot be codes, naming the line only", () => {
    expect(() => parseRecoveryCodes(" \n# none\n")).toThrow("no recovery codes given");
    expect(() => parseRecoveryCodes("aaaa\notpauth://totp/x?secret=JBSWY3DPEHPK3PXP")).toThrow("line 2 is an otpauth URI");
    const long = "x".repeat(65);
    const err = (() => {
      try {
        parseRecoveryCodes(`ok-code\n${long}`);
      } catch (e) {
        return e as InputError;
      }
    })()!;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain("line 2");
    expect(err.message).not.toContain(long);
    expect(() => parseRecoveryCodes("abc")).toThrow(InputError);
  });
});

describe("adding, taking, masking", () => {
  const entry = (codes: Entry["recoveryCodes"]): Entry => ({
    id: "x", name: "github", issuer: "GitHub", account: "", type: "totp", secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30,
    tags: [], notes: "", recoveryCodes: codes, createdAt: "", updatedAt: "",
  });

  it("adds new codes, skips ones already kept (used or not), or replaces them all", () => {
    const have = [{ code: "aaaa-1111", usedAt: "2026-01-01T00:00:00.000Z" }];
    expect(addRecoveryCodes(have, ["AAAA1111", "bbbb-2222"], false)).toEqual({ codes: [...have, { code: "bbbb-2222", usedAt: null }], added: 1, skipped: 1 });
    expect(addRecoveryCodes(have, ["cccc-3333"], true)).toEqual({ codes: [{ code: "cccc-3333", usedAt: null }], added: 1, skipped: 0 });
    expect(() => addRecoveryCodes([], Array.from({ length: 101 }, (_, i) => `code-${i}`), false)).toThrow("at most 100");
  });

  it("takes the first unused code, marks it with the time, and counts what is left; never one twice", () => {
    let e = entry([{ code: "a-11", usedAt: "2026-01-01T00:00:00.000Z" }, { code: "b-22", usedAt: null }, { code: "c-33", usedAt: null }]);
    const got: string[] = [];
    for (const left of [1, 0]) {
      const t = takeRecoveryCode(e, "2026-05-01T00:00:00.000Z");
      expect(t.left).toBe(left);
      got.push(t.code);
      e = { ...e, recoveryCodes: t.codes };
    }
    expect(got).toEqual(["b-22", "c-33"]);
    expect(e.recoveryCodes.every((c) => c.usedAt)).toBe(true);
    const err = (() => {
      try {
        takeRecoveryCode(e, "");
      } catch (x) {
        return x as OtpError;
      }
    })()!;
    expect(err.kind).toBe("no-recovery-codes");
    expect(err.message).toBe('all 3 recovery codes of "github" are used');
    expect(() => takeRecoveryCode(entry([]), "")).toThrow('"github" has no recovery codes');
  });

  it("masks all but the last two letters or digits, keeping separators", () => {
    expect(maskCode("abcde-12345")).toBe("*****-***45");
    expect(maskCode("1234 5678")).toBe("**** **78");
    expect(maskCode("ab")).toBe("ab");
  });
});
