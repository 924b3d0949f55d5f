// Google Authenticator migration: the real exports in test/fixtures/ga-migration*/ decode to
// exactly the entries of their expected.json (name verbatim there; otp drops an "Issuer:" in
// front of the name when it repeats the issuer), the negative files are refused, and our own
// encoding reads back (batches, HOTP counters, non-ASCII names, SHA256/512, 8 digits).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  gaUnsupported,
  loadMigrationCodec,
  missingParts,
  planBatches,
  type GaFields,
} from "../../../../src/core/codecs/google-migration.js";
import { pickCodec } from "../../../../src/core/codecs/index.js";
import { parseUriList } from "../../../../src/core/codecs/uri-list.js";
import { generateCode } from "../../../../src/core/otp.js";

const FIX = join(import.meta.dirname, "../../../fixtures");
const helpers = {
  password: async () => {
    throw new Error("no password here");
  },
};

interface Expected {
  type: string;
  issuer: string;
  account: string;
  secret: string;
  algorithm: string;
  digits: number;
  period?: number;
  counter?: number;
}

/** expected.json keeps the payload's name verbatim; otp's policy drops a repeated "Issuer:". */
function asOtp(e: Expected) {
  const account =
    e.issuer && e.account.toLowerCase().startsWith(e.issuer.toLowerCase() + ":") ? e.account.slice(e.issuer.length + 1) : e.account;
  const { type, issuer, secret, algorithm, digits, period, counter } = e;
  return { type, issuer, account, secret, algorithm, digits, ...(type === "hotp" ? { counter } : { period }) };
}

const draftFields = (d: {
  type: string;
  issuer: string;
  account: string;
  secret: string;
  algorithm: string;
  digits: number;
  period?: number;
  counter?: number;
}) => {
  const { type, issuer, account, secret, algorithm, digits, period, counter } = d;
  return { type, issuer, account, secret, algorithm, digits, ...(type === "hotp" ? { counter } : { period }) };
};

async function decodeFile(dir: string, file: string) {
  const bytes = new Uint8Array(readFileSync(join(FIX, dir, file)));
  const src = { name: file, bytes };
  const codec = await pickCodec(src, "auto");
  return { codec: codec.name, decoded: await codec.decode(src, helpers) };
}

describe("the real exports", () => {
  const expected = JSON.parse(readFileSync(join(FIX, "ga-migration/expected.json"), "utf8"));
  for (const file of ["example_export.txt", "example_export_only_totp.txt", "test_plus_problem_export.txt"]) {
    it(`${file} decodes to exactly the entries of expected.json`, async () => {
      const { codec, decoded } = await decodeFile("ga-migration", file);
      expect(codec).toBe("ga");
      expect(decoded.problems).toEqual([]);
      expect(decoded.entries.map((e) => draftFields(e.draft))).toEqual(expected.files[file].entries.map(asOtp));
      expect(decoded.entries).toHaveLength(expected.files[file].entry_count);
    });
  }

  it("keeps the HOTP counter and the non-ASCII name of example_export.txt", async () => {
    const { decoded } = await decodeFile("ga-migration", "example_export.txt");
    expect(decoded.entries.find((e) => e.draft.type === "hotp")?.draft).toMatchObject({ account: "hotp demo", counter: 4 });
    expect(decoded.entries.map((e) => e.draft.account)).toContain("encoding: ¿äÄéÉ? (demo)");
    // One URI carries two accounts: each is named by its line and place.
    expect(decoded.entries.map((e) => e.where)).toContain("line 12, account 2");
  });

  it("dim13's minimal payloads (no batch fields, raw base64 with + / and ==) decode", async () => {
    const expected = JSON.parse(readFileSync(join(FIX, "ga-migration-dim13/expected.json"), "utf8"));
    const { decoded } = await decodeFile("ga-migration-dim13", "migration-uris.txt");
    expect(decoded.problems).toEqual([]);
    const cases = expected.files["migration-uris.txt"].cases as {
      entries: Expected[];
      expected_code?: { at_unix: number; code: string };
    }[];
    expect(decoded.entries.map((e) => draftFields(e.draft))).toEqual(cases.flatMap((c) => c.entries.map(asOtp)));
    expect(decoded.batches).toEqual([]);
    const vector = cases[0]!.expected_code!;
    expect(generateCode(decoded.entries[0]!.draft, vector.at_unix * 1000).code).toBe(vector.code);
  });

  it("the negative files: wrong data is a problem, Lorem ipsum is no URI, comments and empty files hold nothing", async () => {
    const wrongData = await decodeFile("ga-migration/negative", "test_export_wrong_data.txt");
    expect(wrongData.decoded.entries).toEqual([]);
    expect(wrongData.decoded.problems).toEqual([
      { where: "line 1", reason: expect.stringMatching(/no valid Google Authenticator payload/) },
    ]);
    const lorem = await decodeFile("ga-migration/negative", "test_export_wrong_content.txt");
    expect(lorem.decoded.entries).toEqual([]);
    expect(lorem.decoded.problems.length).toBeGreaterThan(0);
    for (const f of ["only_comments.txt", "empty_file.txt"]) {
      const d = await decodeFile("ga-migration/negative", f);
      expect(d.decoded.entries.length + d.decoded.problems.length, f).toBe(0);
    }
  });

  it("a scanner app's prefix (QR-Code:otpauth-migration://…) is dropped with a warning", async () => {
    const { codec, decoded } = await decodeFile("ga-migration/negative", "test_export_wrong_prefix.txt");
    expect(codec).toBe("ga");
    expect(decoded.entries.map((e) => draftFields(e.draft))).toEqual([
      {
        type: "totp",
        issuer: "raspberrypi",
        account: "pi@raspberrypi",
        secret: "7KSQL2JTUDIS5EF65KLMRQIIGY",
        algorithm: "SHA1",
        digits: 6,
        period: 30,
      },
    ]);
    expect(decoded.entries[0]!.warnings).toEqual(['ignoring "QR-Code:" before the URI']);
  });
});

const entry = (over: Partial<GaFields> = {}): GaFields => ({
  type: "totp",
  issuer: "GitHub",
  account: "alice@example.com",
  secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
  algorithm: "SHA1",
  digits: 6,
  period: 30,
  ...over,
});

describe("encoding", () => {
  it("round trip: HOTP counter, SHA256/SHA512, 8 digits, non-ASCII and empty issuer", async () => {
    const codec = await loadMigrationCodec();
    const entries = [
      entry(),
      entry({ type: "hotp", counter: 2 ** 40 + 3, period: undefined, issuer: "Bank", account: "konto" }),
      entry({ algorithm: "SHA256", digits: 8, issuer: "Ünïcödé 銀行", account: "Zoë:ß@example.com" }),
      entry({ algorithm: "SHA512", issuer: "", account: "just-an-account" }),
    ];
    const uri = codec.encode(entries, { id: -5, index: 1, size: 3 });
    expect(uri).toMatch(/^otpauth-migration:\/\/offline\?data=[A-Za-z0-9%]+$/);
    const part = codec.decode(uri, "line 1");
    expect(part.problems).toEqual([]);
    expect(part.batch).toEqual({ id: "-5", index: 1, size: 3, where: "line 1" });
    expect(part.entries.map((e) => draftFields(e.draft))).toEqual(entries.map((e) => draftFields({ ...e })));
  });

  it("refuses what Google Authenticator cannot hold", () => {
    expect(gaUnsupported(entry())).toBeNull();
    expect(gaUnsupported(entry({ digits: 8 }))).toBeNull();
    expect(gaUnsupported(entry({ type: "hotp", period: undefined }))).toBeNull();
    expect(gaUnsupported(entry({ type: "steam", digits: 5 }))).toMatch(/Steam/);
    for (const d of [7, 9, 10]) expect(gaUnsupported(entry({ digits: d }))).toMatch(new RegExp(`${d}-digit`));
    expect(gaUnsupported(entry({ period: 60 }))).toMatch(/30-second/);
  });

  it("planBatches keeps order, at most 10 a batch, and only URIs that fit", async () => {
    const codec = await loadMigrationCodec();
    const many = Array.from({ length: 23 }, (_, i) => entry({ account: `user${i}@example.com` }));
    const byCount = planBatches(codec, many, () => true);
    expect(byCount.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(byCount.flat()).toEqual(many);
    const bySize = planBatches(codec, many, (uri) => uri.length <= 400);
    expect(bySize.flat()).toEqual(many);
    for (const b of bySize)
      if (b.length > 1) expect(codec.encode(b, { id: 1, index: 0, size: bySize.length }).length).toBeLessThanOrEqual(400);
    // An entry too big for any code still gets its own batch.
    expect(planBatches(codec, many.slice(0, 2), () => false).map((b) => b.length)).toEqual([1, 1]);
  });

  it("missingParts names the parts missing across inputs, counted from 1", () => {
    const part = (id: string, index: number, size = 3) => ({ id, index, size, where: "x" });
    expect(missingParts([part("7", 0), part("7", 1), part("7", 2)])).toEqual([]);
    expect(missingParts([part("7", 0), part("7", 2)])).toEqual([expect.stringMatching(/7 has 3 QR codes and QR code 2 is missing/)]);
    expect(missingParts([part("7", 1, 4)])).toEqual([expect.stringMatching(/QR codes 1, 3, 4 are missing/)]);
    expect(missingParts([part("7", 0), part("8", 0, 2), part("8", 1, 2)])).toHaveLength(1);
  });
});

describe("decoding edge cases", () => {
  it("base64url, a + read as a space, percent-encoding all read the same bytes", async () => {
    const codec = await loadMigrationCodec();
    const uri = codec.encode([entry({ secret: "7KSQL2JTUDIS5EF65KLMRQIIGY" })], { id: 1, index: 0, size: 1 });
    const b64 = decodeURIComponent(uri.slice(uri.indexOf("data=") + 5));
    const want = codec.decode(uri, "a").entries.map((e) => e.draft);
    for (const data of [b64, b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""), b64.replace(/\+/g, " ")])
      expect(codec.decode(`otpauth-migration://offline?data=${data}`, "b").entries.map((e) => e.draft)).toEqual(want);
  });

  it("bad URIs are one problem each, with the line; the good lines of a mixed list still import", () => {
    return loadMigrationCodec().then((codec) => {
      const good = codec.encode([entry()], { id: 1, index: 0, size: 1 });
      const text = [
        "otpauth://totp/Plain:me?secret=KRUGKIDROVUWG2ZAMJZG653OEBTG66BA&issuer=Plain",
        good,
        "otpauth-migration://offline?data=%%%",
        "otpauth-migration://offline?nodata=1",
        "otpauth-migration://offline?data=!!!!",
        "otpauth-migration://offline?data=",
        "https://example.com/not-a-uri",
      ].join("\n");
      const d = parseUriList(text, codec);
      expect(d.entries.map((e) => [e.where, e.draft.issuer])).toEqual([
        ["line 1", "Plain"],
        ["line 2", "GitHub"],
      ]);
      expect(d.problems.map((p) => p.where)).toEqual(["line 3", "line 4", "line 5", "line 6", "line 7"]);
      for (const p of d.problems) expect(p.reason).not.toMatch(/JBSWY3DP/);
    });
  });

  it("an account with an unknown algorithm, digits or type is a problem, the others import", async () => {
    const codec = await loadMigrationCodec();
    const pb = (await import("protobufjs/light.js")).default;
    // Hand-made payload with the same schema: MD5, digits 3 and type 7 besides one good account.
    const root = pb.Root.fromJSON({
      nested: {
        P: {
          fields: { p: { rule: "repeated", type: "O", id: 1 } },
          nested: {
            O: {
              fields: {
                secret: { type: "bytes", id: 1 },
                name: { type: "string", id: 2 },
                algorithm: { type: "int32", id: 4 },
                digits: { type: "int32", id: 5 },
                type: { type: "int32", id: 6 },
              },
            },
          },
        },
      },
    });
    const P = root.lookupType("P");
    const s = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const bytes = P.encode(
      P.fromObject({
        p: [
          { secret: s, name: "md5", algorithm: 4, digits: 1, type: 2 },
          { secret: s, name: "digits", algorithm: 1, digits: 3, type: 2 },
          { secret: s, name: "type", algorithm: 1, digits: 1, type: 7 },
          { secret: new Uint8Array(0), name: "nosecret", algorithm: 1, digits: 1, type: 2 },
          { secret: s, name: "good", algorithm: 1, digits: 1, type: 2 },
        ],
      }),
    ).finish();
    const part = codec.decode(`otpauth-migration://offline?data=${encodeURIComponent(Buffer.from(bytes).toString("base64"))}`, "QR 1");
    expect(part.entries.map((e) => [e.where, e.draft.account])).toEqual([["QR 1, account 5", "good"]]);
    expect(part.problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/MD5/),
      expect.stringMatching(/digits value 3/),
      expect.stringMatching(/type value 7/),
      expect.stringMatching(/no secret/),
    ]);
  });
});
