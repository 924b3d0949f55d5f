// Recovery codes (core/recovery-codes.ts): what people paste, adding without duplicates, handing
// out each code once, masking.
import { describe, expect, it } from "vitest";
import type { Entry } from "../../../src/core/entry.js";
import { InputError, OtpError } from "../../../src/core/errors.js";
import {
  addRecoveryCodes,
  maskCode,
  parseRecoveryCodes,
  recoveryCodeProblem,
  skippedCodesWarning,
  takeRecoveryCode,
  vetEntriesRecoveryCodes,
  vetRecoveryCodes,
} from "../../../src/core/recovery-codes.js";
import { entry as importedEntry } from "../../../src/core/codecs/collect.js";

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

  it("refuses pasted codes with C1, bidi or other invisible characters, naming the line only", () => {
    for (const bad of ["abcd-\u009b2J", "rc2-\u202eabcd", "abcd\u2066efgh", "abcd\u200befgh"]) {
      expect(() => parseRecoveryCodes(`good-code\n${bad}`), JSON.stringify(bad)).toThrow(/^line 2 does not look like recovery codes/);
    }
  });
});

describe("the rule for one code (recoveryCodeProblem)", () => {
  it.each(["abcd", "abcde-12345", "1234 5678", "R12345", "x".repeat(64), "  padded-code  ", "ÄÖÜ-äöü1", "東京東京"])(
    "accepts %j",
    (code) => {
      expect(recoveryCodeProblem(code)).toBeNull();
    },
  );

  it.each([
    ["an OSC 52 clipboard write and a screen clear", "rc1\u001b]52;c;SGVsbG8=\u0007\u001b[2J"],
    ["a C1 CSI", "rc3-\u009b2J"],
    ["NEL (C1)", "abcd\u0085efgh"],
    ["DEL", "abcd\u007f"],
    ["a right-to-left override", "rc2-\u202eabcd"],
    ["an isolate", "abcd\u2066efgh"],
    ["a zero-width space", "abcd\u200befgh"],
    ["a line separator", "abcd\u2028efgh"],
    ["a newline", "abcd\nefgh"],
    ["a lone surrogate", "abcd\ud800"],
    ["3 characters", "abc"],
    ["65 characters", "x".repeat(65)],
    ["blank", "    "],
  ])("refuses %s, without quoting the code", (_, code) => {
    const why = recoveryCodeProblem(code);
    expect(why).not.toBeNull();
    if (code.trim() !== "") expect(why).not.toContain(code.trim());
  });
});

describe("vetRecoveryCodes (codes that come with an import)", () => {
  it("keeps good codes trimmed, skips and counts bad ones, drops duplicates keeping a use", () => {
    const r = vetRecoveryCodes([
      " aaaa-1111 ",
      "rc1\u001b]52;c;SGVsbG8=\u0007\u001b[2J",
      { code: "bbbb-2222", usedAt: null },
      { code: "BBBB2222", usedAt: "2026-01-02T00:00:00Z" },
      { code: "rc2-\u202eabcd", usedAt: null },
      { code: 42 },
      { code: "cccc-3333", usedAt: "used \u001b[2J" },
      { code: "dddd-4444", usedAt: "2026-03-04" },
    ]);
    expect(r.skipped).toBe(3);
    expect(r.codes).toEqual([
      { code: "aaaa-1111", usedAt: null },
      { code: "bbbb-2222", usedAt: "2026-01-02T00:00:00Z" },
      // a "used" that is no time: used, at the epoch; never free text that could reach a terminal
      { code: "cccc-3333", usedAt: "1970-01-01T00:00:00.000Z" },
      { code: "dddd-4444", usedAt: "2026-03-04T00:00:00.000Z" },
    ]);
  });

  it("keeps at most 100 an entry", () => {
    const r = vetRecoveryCodes(Array.from({ length: 103 }, (_, i) => `code-${i}`));
    expect(r.codes).toHaveLength(100);
    expect(r.skipped).toBe(3);
  });

  it("is applied by every codec's entry(): bad codes skipped with a warning that quotes none", () => {
    const draft = {
      issuer: "Steam",
      account: "me",
      type: "steam" as const,
      secret: "JBSWY3DPEHPK3PXP",
      algorithm: "SHA1" as const,
      digits: 5,
      period: 30,
    };
    const bad = "R1\u001b[2J\u0007";
    const e = importedEntry(draft, [], [bad, "R12345"]);
    expect(e.recoveryCodes).toEqual([{ code: "R12345", usedAt: null }]);
    expect(e.warnings).toEqual([skippedCodesWarning(1)]);
    expect(e.warnings.join("")).not.toContain(bad);
    expect(importedEntry(draft, [], [bad])).toEqual({ draft, warnings: [skippedCodesWarning(1)] });
  });
});

describe("vetEntriesRecoveryCodes (a backup's entries, for restore)", () => {
  it("drops bad codes, names the entries that lost some, and leaves the others as they are", () => {
    const good = { name: "github", recoveryCodes: [{ code: "aaaa-1111", usedAt: null }] };
    const bad = {
      name: "evil",
      recoveryCodes: [
        { code: "rc1\u001b[2J", usedAt: null },
        { code: "bbbb-2222", usedAt: "2026-01-02T00:00:00.000Z" },
      ],
    };
    const r = vetEntriesRecoveryCodes([good, bad]);
    expect(r.entries[0]).toBe(good);
    expect(r.entries[1]!.recoveryCodes).toEqual([{ code: "bbbb-2222", usedAt: "2026-01-02T00:00:00.000Z" }]);
    expect(r.skipped).toEqual([{ name: "evil", count: 1 }]);
  });
});

describe("adding, taking, masking", () => {
  const entry = (codes: Entry["recoveryCodes"]): Entry => ({
    id: "x",
    name: "github",
    issuer: "GitHub",
    account: "",
    type: "totp",
    secret: "JBSWY3DPEHPK3PXP",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    tags: [],
    notes: "",
    recoveryCodes: codes,
    createdAt: "",
    updatedAt: "",
  });

  it("adds new codes, skips ones already kept (used or not), or replaces them all", () => {
    const have = [{ code: "aaaa-1111", usedAt: "2026-01-01T00:00:00.000Z" }];
    expect(addRecoveryCodes(have, ["AAAA1111", "bbbb-2222"], false)).toEqual({
      codes: [...have, { code: "bbbb-2222", usedAt: null }],
      added: 1,
      skipped: 1,
    });
    expect(addRecoveryCodes(have, ["cccc-3333"], true)).toEqual({ codes: [{ code: "cccc-3333", usedAt: null }], added: 1, skipped: 0 });
    expect(() =>
      addRecoveryCodes(
        [],
        Array.from({ length: 101 }, (_, i) => `code-${i}`),
        false,
      ),
    ).toThrow("at most 100");
  });

  it("takes the first unused code, marks it with the time, and counts what is left; never one twice", () => {
    let e = entry([
      { code: "a-11", usedAt: "2026-01-01T00:00:00.000Z" },
      { code: "b-22", usedAt: null },
      { code: "c-33", usedAt: null },
    ]);
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
