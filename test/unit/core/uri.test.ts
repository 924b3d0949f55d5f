// otpauth:// URIs (docs/testplan.md H.59): the documented outcome of each odd input, errors that never
// quote the secret, redaction, and the parse(format(x)) = x property.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeBase32 } from "../../../src/core/base32.js";
import { MAX_PERIOD, checkDraft } from "../../../src/core/entry.js";
import { OtpError } from "../../../src/core/errors.js";
import { formatOtpauthUri, parseOtpauthUri, redactUri, type UriFields } from "../../../src/core/uri.js";

const S = "JBSWY3DPEHPK3PXP";
const GOOGLE = `otpauth://totp/Example:alice@google.com?secret=${S}&issuer=Example`;

function failure(uri: string): OtpError {
  try {
    parseOtpauthUri(uri);
  } catch (e) {
    expect(e).toBeInstanceOf(OtpError);
    return e as OtpError;
  }
  throw new Error("parseOtpauthUri accepted a bad URI");
}

describe("parseOtpauthUri accepts", () => {
  it.each([
    [GOOGLE, { issuer: "Example", account: "alice@google.com", type: "totp", algorithm: "SHA1", digits: 6, period: 30 }],
    [
      `otpauth://totp/ACME%20Co:john.doe@email.com?secret=${S}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60`,
      { issuer: "ACME Co", account: "john.doe@email.com", algorithm: "SHA256", digits: 8, period: 60 },
    ],
    [`otpauth://totp/ACME%20Co:%20john?secret=${S}`, { issuer: "ACME Co", account: "john" }],
    [`otpauth://totp/ACME: john?secret=${S}`, { issuer: "ACME", account: "john" }],
    [`otpauth://totp/Example%3Aalice?secret=${S}`, { issuer: "Example", account: "alice" }],
    [`otpauth://totp/Example%3aalice?secret=${S}&issuer=Example`, { issuer: "Example", account: "alice" }],
    [`otpauth://totp/A%3AB:alice?secret=${S}&issuer=A%3AB`, { issuer: "A:B", account: "alice" }],
    [`otpauth://totp/alice?secret=${S}&issuer=Example`, { issuer: "Example", account: "alice" }],
    [`otpauth://totp/alice?secret=${S}`, { issuer: "", account: "alice" }],
    [`otpauth://totp/a+b:c+d?secret=${S}`, { issuer: "a+b", account: "c+d" }],
    [`otpauth://totp/c+d?secret=${S}&issuer=A+B`, { issuer: "A B", account: "c+d" }],
    [`otpauth://totp/%F0%9F%94%91%20Caf%C3%A9:b%26b?secret=${S}`, { issuer: "🔑 Café", account: "b&b" }],
    [`otpauth://totp/x?secret=jbsw%20y3dp-ehpk+3pxp`, { secret: S }],
    [`otpauth://totp/x?secret=JBSWY3DPEHPK3PXP%3D%3D`, { secret: S }],
    [`otpauth://totp/x?secret=${S}&algorithm=sha512&digits=9`, { algorithm: "SHA512", digits: 9 }],
    [`otpauth://totp/x?secret=${S}&digits=10&period=1`, { digits: 10, period: 1 }],
    [`otpauth://totp/x?secret=${S}&period=1000000000`, { period: 1e9 }],
    [`otpauth://totp/x?secret=${S}&period=${MAX_PERIOD}`, { period: MAX_PERIOD }],
    [`OTPAUTH://TOTP/x?secret=${S}`, { type: "totp", account: "x" }],
    [`otpauth://totp?secret=${S}`, { issuer: "", account: "" }],
    [`otpauth://totp/x?secret=${S}#fragment`, { secret: S }],
    [`otpauth://totp/x?secret=${S}&image=https%3A%2F%2Fexample.com%2Fa.png`, { secret: S }],
    [`otpauth://hotp/Example:alice?secret=${S}&counter=10`, { type: "hotp", counter: 10 }],
    [`otpauth://hotp/x?secret=${S}&counter=9007199254740991`, { counter: 2 ** 53 - 1 }],
    [`otpauth://hotp/x?secret=${S}&counter=007`, { counter: 7 }],
    // pass-otp test/validate.t, "Parses TOTP URI with port number"
    [`otpauth://totp/Example:alice@google.com:443?secret=${S}&issuer=Example`, { issuer: "Example", account: "alice@google.com:443" }],
    [
      `otpauth://totp/ACME%20Co:john.doe@email.com:443?secret=${S}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`,
      { issuer: "ACME Co", account: "john.doe@email.com:443" },
    ],
    [`otpauth://hotp/Example:alice@google.com:443?secret=${S}&counter=10&issuer=Example`, { account: "alice@google.com:443", counter: 10 }],
  ])("%s", (uri, fields) => {
    const { draft, warnings } = parseOtpauthUri(uri);
    expect(draft).toMatchObject(fields);
    expect(warnings).toEqual([]);
  });

  it("leaves the period out of HOTP and the counter out of TOTP", () => {
    expect(parseOtpauthUri(`otpauth://hotp/x?secret=${S}&period=60&counter=1`).draft).not.toHaveProperty("period");
    expect(parseOtpauthUri(`otpauth://totp/x?secret=${S}&counter=1`).draft).not.toHaveProperty("counter");
  });

  it("prefers the issuer parameter and warns when the label says otherwise", () => {
    const { draft, warnings } = parseOtpauthUri(`otpauth://totp/Evil:alice?secret=${S}&issuer=Example`);
    expect(draft).toMatchObject({ issuer: "Example", account: "alice" });
    expect(warnings).toEqual(['the label says issuer "Evil" but the issuer parameter says "Example": using "Example"']);
    expect(parseOtpauthUri(`otpauth://totp/example:alice?secret=${S}&issuer=Example`).warnings).toEqual([]);
  });

  it("escapes control characters in warnings", () => {
    const { warnings } = parseOtpauthUri(`otpauth://totp/%1B%5B2J:alice?secret=${S}&issuer=Example`);
    expect(warnings[0]).toContain("\\u{1b}[2J");
    expect(warnings[0]).not.toContain("\u001b");
  });

  it("starts an HOTP without counter at 0, with a warning", () => {
    const { draft, warnings } = parseOtpauthUri(`otpauth://hotp/Example:alice?secret=${S}`);
    expect(draft.counter).toBe(0);
    expect(warnings).toEqual(["the hotp URI has no counter: starting at 0"]);
  });

  it("reads Steam from Aegis (otpauth://steam) and KeePassXC (encoder=steam)", () => {
    const aegis = parseOtpauthUri(`otpauth://steam/Steam:alice?secret=${S}&issuer=Steam&algorithm=SHA1&digits=5&period=30`);
    expect(aegis.draft).toMatchObject({ type: "steam", issuer: "Steam", account: "alice", digits: 5, algorithm: "SHA1", period: 30 });
    expect(aegis.warnings).toEqual([]);
    // KeePassXC tests/TestTotp.cpp testSteamTotp
    const kpxc = parseOtpauthUri(
      "otpauth://totp/test:test@example.com?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&issuer=Valve&algorithm=SHA1&digits=5&period=30&encoder=steam",
    );
    expect(kpxc.draft).toMatchObject({ type: "steam", issuer: "Valve", account: "test@example.com", digits: 5, period: 30 });
    expect(kpxc.warnings).toHaveLength(1); // label "test" ≠ issuer "Valve"
  });

  it("ignores Steam's digits and algorithm, and warns about another period", () => {
    const r = parseOtpauthUri(`otpauth://steam/alice?secret=${S}&digits=3&algorithm=MD5&period=60`);
    expect(r.draft).toMatchObject({ type: "steam", digits: 5, algorithm: "SHA1", period: 30 });
    expect(r.warnings).toEqual(['Steam codes change every 30 s: ignoring period "60"']);
  });

  it("warns about an unknown encoder and ignores it", () => {
    const r = parseOtpauthUri(`otpauth://totp/x?secret=${S}&encoder=yandex`);
    expect(r.draft.type).toBe("totp");
    expect(r.warnings).toEqual(['ignoring the unknown encoder "yandex"']);
  });
});

describe("parseOtpauthUri refuses", () => {
  it.each([
    ["https://www.google.com/", "invalid-uri", "not an otpauth:// URI"],
    [`otpauth-migration://offline?data=${S}`, "invalid-uri", "not an otpauth:// URI"],
    [`otpauth:/totp/x?secret=${S}`, "invalid-uri", "not an otpauth:// URI"],
    [`otpauth://motp/x?secret=${S}`, "invalid-uri", "the URI's type must be totp, hotp or steam"],
    [`otpauth://x?secret=${S}`, "invalid-uri", "the URI's type must be totp, hotp or steam"],
    [
      "otpauth://totp/ACME%20Co:john.doe@email.com?issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
      "invalid-uri",
      "the URI has no secret",
    ],
    ["otpauth://totp/x?issuer=x&Secret=JBSWY3DPEHPK3PXP", "invalid-uri", "the URI has no secret"],
    ["otpauth://totp/x?secret=", "invalid-secret", "secret is empty"],
    [`otpauth://totp/x?secret=${S}0`, "invalid-secret", "secret is not base32: character 17 is not one of A–Z, 2–7"],
    [`otpauth://totp/x?secret=${S}A`, "invalid-secret", "secret has an impossible base32 length"],
    [`otpauth://totp/x?secret=${S}&secret=${S}`, "invalid-uri", "the URI has more than one secret parameter"],
    [`otpauth://totp/x?secret=${S}&algorithm=MD5`, "invalid-uri", 'unsupported algorithm "MD5": use SHA1, SHA256 or SHA512'],
    [`otpauth://totp/x?secret=${S}&algorithm=SHA-256`, "invalid-uri", 'unsupported algorithm "SHA-256": use SHA1, SHA256 or SHA512'],
    [`otpauth://totp/x?secret=${S}&digits=5`, "invalid-uri", 'digits must be a whole number from 6 to 10, not "5"'],
    [`otpauth://totp/x?secret=${S}&digits=11`, "invalid-uri", 'digits must be a whole number from 6 to 10, not "11"'],
    [`otpauth://totp/x?secret=${S}&digits=six`, "invalid-uri", 'digits must be a whole number from 6 to 10, not "six"'],
    [`otpauth://hotp/x?secret=${S}&digits=5&counter=1`, "invalid-uri", 'digits must be a whole number from 6 to 10, not "5"'],
    [`otpauth://totp/x?secret=${S}&period=0`, "invalid-uri", `period must be a whole number from 1 to ${MAX_PERIOD} seconds, not "0"`],
    [`otpauth://totp/x?secret=${S}&period=-1`, "invalid-uri", `period must be a whole number from 1 to ${MAX_PERIOD} seconds, not "-1"`],
    [`otpauth://totp/x?secret=${S}&period=1e9`, "invalid-uri", `period must be a whole number from 1 to ${MAX_PERIOD} seconds, not "1e9"`],
    [
      `otpauth://totp/x?secret=${S}&period=2147483648`,
      "invalid-uri",
      `period must be a whole number from 1 to ${MAX_PERIOD} seconds, not "2147483648"`,
    ],
    [`otpauth://totp/x?secret=${S}&period=`, "invalid-uri", `period must be a whole number from 1 to ${MAX_PERIOD} seconds, not ""`],
    [
      `otpauth://hotp/x?secret=${S}&counter=9007199254740992`,
      "invalid-uri",
      'counter must be a whole number from 0 to 2^53 − 1, not "9007199254740992"',
    ],
    [`otpauth://hotp/x?secret=${S}&counter=-1`, "invalid-uri", 'counter must be a whole number from 0 to 2^53 − 1, not "-1"'],
    [`otpauth://hotp/x?secret=${S}&encoder=steam`, "invalid-uri", "encoder=steam needs a totp URI, not hotp"],
    [`otpauth://totp/%E0%A4%A?secret=${S}`, "invalid-uri", "the URI's label has broken percent-encoding"],
  ])("%s (%s)", (uri, kind, message) => {
    const e = failure(uri);
    expect(e.kind).toBe(kind);
    expect(e.message).toBe(message);
  });

  it("cuts long values short in messages", () => {
    expect(failure(`otpauth://totp/x?secret=${S}&algorithm=${"A".repeat(100)}`).message).toBe(
      `unsupported algorithm "${"A".repeat(20)}…": use SHA1, SHA256 or SHA512`,
    );
  });

  it("never puts the secret, part of it or the URI in an error", () => {
    const secret = "GR4DCNBTGQ2DIMZUHAYTS2LNMVZA";
    const bad = [
      `otpauth://motp/x?secret=${secret}`,
      `otpauth://totp/x?secret=${secret}&digits=4`,
      `otpauth://totp/x?secret=${secret}&algorithm=MD5`,
      `otpauth://totp/x?secret=${secret}&period=0`,
      `otpauth://hotp/x?secret=${secret}&counter=99999999999999999999`,
      `otpauth://totp/x?secret=${secret}0`,
      `otpauth://totp/x?secret=${secret.slice(0, 9)}`,
      `otpauth://totp/x?secret=${secret}&secret=${secret}`,
      `otpauth://totp/%ZZ?secret=${secret}`,
      `otpauths://totp/x?secret=${secret}`,
    ];
    for (const uri of bad) {
      const e = failure(uri);
      const text = [e.message, ...e.hints].join("\n");
      for (let i = 0; i + 5 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 5));
      expect(text).not.toContain("otpauth://totp/x");
    }
  });
});

describe("redactUri", () => {
  it("elides every secret value and keeps the rest", () => {
    expect(redactUri(GOOGLE)).toBe("otpauth://totp/Example:alice@google.com?secret=(elided)&issuer=Example");
    expect(redactUri(`otpauth://totp/x?issuer=a&secret=${S}`)).toBe("otpauth://totp/x?issuer=a&secret=(elided)");
    expect(redactUri(`otpauth://totp/x?SECRET=${S}&secret=${S}#f`)).toBe("otpauth://totp/x?SECRET=(elided)&secret=(elided)#f");
    expect(redactUri("otpauth://totp/x?issuer=a")).toBe("otpauth://totp/x?issuer=a");
  });
});

describe("formatOtpauthUri", () => {
  const base: UriFields = {
    type: "totp",
    secret: "jbsw y3dp ehpk 3pxp",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    issuer: "ACME Co",
    account: "john@example.com",
  };
  it.each([
    [base, `otpauth://totp/ACME%20Co:john%40example.com?secret=${S}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`],
    [{ ...base, issuer: "" }, `otpauth://totp/john%40example.com?secret=${S}&algorithm=SHA1&digits=6&period=30`],
    [{ ...base, issuer: "", account: "a:b" }, `otpauth://totp/:a%3Ab?secret=${S}&algorithm=SHA1&digits=6&period=30`],
    [
      { ...base, type: "hotp", period: undefined, counter: 42 },
      `otpauth://hotp/ACME%20Co:john%40example.com?secret=${S}&issuer=ACME%20Co&algorithm=SHA1&digits=6&counter=42`,
    ],
    [
      { ...base, type: "steam", issuer: "Steam", account: "alice" },
      `otpauth://totp/Steam:alice?secret=${S}&issuer=Steam&algorithm=SHA1&digits=5&period=30&encoder=steam`,
    ],
  ] as const)("%o → %s", (fields, uri) => {
    expect(formatOtpauthUri(fields)).toBe(uri);
  });
  it("refuses an invalid secret or entry", () => {
    expect(() => formatOtpauthUri({ ...base, secret: "0" })).toThrow(expect.objectContaining({ kind: "invalid-secret" }));
    expect(() => formatOtpauthUri({ ...base, digits: 4 })).toThrow(expect.objectContaining({ kind: "invalid-entry" }));
  });
});

describe("parseOtpauthUri(formatOtpauthUri(x)) = x", () => {
  const special = fc.constantFrom(":", "&", "%", "+", " ", "#", "?", "/", "=", "%3A", "%25", "🔑", "👩‍💻", "é", "e\u0301", "東京", "\u202e");
  const text = fc
    .array(fc.oneof(special, fc.string({ unit: "grapheme", maxLength: 6 })), { maxLength: 6 })
    .map((parts) => parts.join("").trim());
  const entry = fc
    .record({
      type: fc.constantFrom("totp" as const, "hotp" as const, "steam" as const),
      secret: fc.uint8Array({ minLength: 1, maxLength: 64 }).map(encodeBase32),
      algorithm: fc.constantFrom("SHA1" as const, "SHA256" as const, "SHA512" as const),
      digits: fc.integer({ min: 6, max: 10 }),
      period: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: MAX_PERIOD })),
      counter: fc.oneof(fc.nat(1000), fc.maxSafeNat()),
      issuer: fc.oneof(text, fc.constant("")),
      account: fc.oneof(text, fc.constant("")),
    })
    // Steam is 30 s by definition: parse reads any other period as 30 (with a warning)
    .map((x): UriFields => checkDraft(x.type === "steam" ? { ...x, period: 30 } : x) as UriFields);

  it("gives back every field, with no warnings", () => {
    fc.assert(
      fc.property(entry, (x) => {
        const uri = formatOtpauthUri(x);
        const { draft, warnings } = parseOtpauthUri(uri);
        expect(draft).toEqual(x);
        expect(warnings).toEqual([]);
        expect(redactUri(uri)).toBe(uri.replace(`?secret=${x.secret}&`, "?secret=(elided)&"));
      }),
      { numRuns: 500 },
    );
  });
});

describe("labels percent-encoded in Latin-1 (pass-otp in a Latin-1 locale)", () => {
  it("reads bytes that are not UTF-8 as Latin-1, and warns naming the entry", () => {
    const { draft, warnings } = parseOtpauthUri(`otpauth://totp/Z%FCrich:j%F6rg+m%FCller?secret=${S}&issuer=Z%FCrich`);
    expect(draft).toMatchObject({ issuer: "Zürich", account: "jörg+müller", secret: S });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^"Zürich:jörg\+müller": .*not UTF-8.*Latin-1/);
  });

  it("UTF-8 stays UTF-8, with no warning; Latin-1 in the issuer parameter alone is read too", () => {
    const utf = parseOtpauthUri(`otpauth://totp/Z%C3%BCrich:j%C3%B6rg?secret=${S}&issuer=Z%C3%BCrich`);
    expect(utf.draft).toMatchObject({ issuer: "Zürich", account: "jörg" });
    expect(utf.warnings).toEqual([]);
    const param = parseOtpauthUri(`otpauth://hotp/j%C3%B6rg?secret=${S}&issuer=M%FCnchen+Bank&counter=3`);
    expect(param.draft).toMatchObject({ issuer: "München Bank", account: "jörg", counter: 3 });
    expect(param.warnings.join("\n")).toMatch(/"München Bank:jörg": .*Latin-1/);
    // bytes 0x80–0x9F are Latin-1's control characters, not windows-1252's letters
    expect(parseOtpauthUri(`otpauth://totp/a%80b?secret=${S}`).draft.account).toBe("a\u0080b");
  });

  it("a query value keeps a broken % as it is (as before); a label's broken % is still refused", () => {
    expect(parseOtpauthUri(`otpauth://totp/x?secret=${S}&issuer=100%25+%zz`).draft.issuer).toBe("100% %zz");
    expect(failure(`otpauth://totp/Z%FG?secret=${S}`).message).toBe("the URI's label has broken percent-encoding");
  });
});
