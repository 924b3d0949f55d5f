// Exact codes at fixed times: the RFC 4226/6238 tables, large counters against a node:crypto
// reference, period boundaries, far-future clocks, Steam Guard, and `--at` parsing.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeBase32 } from "../../../src/core/base32.js";
import type { Algorithm } from "../../../src/core/entry.js";
import { InputError, UsageError } from "../../../src/core/errors.js";
import { generateCode, hotpCode, parseTime, stepAt } from "../../../src/core/otp.js";

interface Vectors {
  hotp: { secret_base32: string; digits: number; vectors: { counter: number; hotp: string }[] };
  totp: {
    digits: number;
    period: number;
    secrets: Record<Algorithm, { base32: string }>;
    vectors: { time: number; algorithm: Algorithm; totp: string }[];
  };
}
const rfc = JSON.parse(readFileSync(new URL("../../fixtures/rfc/otp-test-vectors.json", import.meta.url), "utf8")) as Vectors;

/** Independent RFC 4226 reference: node:crypto HMAC, BigInt counter, dynamic truncation. */
function referenceTruncated(secret: string, counter: bigint, algorithm: Algorithm): number {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm.toLowerCase(), decodeBase32(secret)).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return mac.readUInt32BE(offset) & 0x7fffffff;
}
function referenceHotp(secret: string, counter: bigint, algorithm: Algorithm, digits: number): string {
  return String(referenceTruncated(secret, counter, algorithm) % 10 ** digits).padStart(digits, "0");
}

// One table: every RFC vector, HOTP and TOTP, as (entry, time) → code.
const table = [
  ...rfc.hotp.vectors.map((v) => ({
    what: `RFC 4226 counter ${v.counter}`,
    entry: { type: "hotp" as const, secret: rfc.hotp.secret_base32, algorithm: "SHA1" as const, digits: 6, counter: v.counter },
    nowMs: 0,
    code: v.hotp,
  })),
  ...rfc.totp.vectors.map((v) => ({
    what: `RFC 6238 ${v.algorithm} T=${v.time}`,
    entry: { type: "totp" as const, secret: rfc.totp.secrets[v.algorithm].base32, algorithm: v.algorithm, digits: 8, period: 30 },
    nowMs: v.time * 1000,
    code: v.totp,
  })),
];

describe("generateCode against the RFC tables", () => {
  it("has all 10 HOTP and 18 TOTP vectors", () => {
    expect(table).toHaveLength(28);
  });
  it.each(table)("$what → $code", ({ entry, nowMs, code }) => {
    expect(generateCode(entry, nowMs).code).toBe(code);
  });
});

describe("HOTP counters", () => {
  const secret = rfc.hotp.secret_base32;
  const counters = [0, 127, 128, 255, 256, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1];
  it.each(counters)("counter %d matches the node:crypto reference for every algorithm", (counter) => {
    for (const algorithm of ["SHA1", "SHA256", "SHA512"] as const)
      for (const digits of [6, 8, 10])
        expect(hotpCode(secret, counter, algorithm, digits)).toBe(referenceHotp(secret, BigInt(counter), algorithm, digits));
  });
  it("refuses counters past 2^53 − 1, negative or fractional ones", () => {
    for (const c of [2 ** 53, -1, 1.5, Number.NaN]) expect(() => hotpCode(secret, c, "SHA1", 6)).toThrow(InputError);
  });
  it("uses counter + stepOffset and reports it, with no time fields", () => {
    const entry = { type: "hotp" as const, secret, algorithm: "SHA1" as const, digits: 6, counter: 4 };
    expect(generateCode(entry, 123_456, 1)).toEqual({ code: "254676", remainingMs: null, period: null, counter: 5 });
  });
});

describe("TOTP at period boundaries", () => {
  const secret = rfc.hotp.secret_base32;
  const cases = [15, 30, 60].flatMap((period) =>
    [6, 7, 8].flatMap((digits) => [1, 2, 1000, 56_000_000].map((k) => ({ period, digits, k }))),
  );
  it.each(cases)("P=$period digits=$digits at k·P − 1 and k·P (k=$k)", ({ period, digits, k }) => {
    const entry = { type: "totp" as const, secret, algorithm: "SHA1" as const, digits, period };
    const before = generateCode(entry, (k * period - 1) * 1000);
    const at = generateCode(entry, k * period * 1000);
    expect(before.code).toBe(referenceHotp(secret, BigInt(k - 1), "SHA1", digits));
    expect(at.code).toBe(referenceHotp(secret, BigInt(k), "SHA1", digits));
    expect(before.remainingMs).toBe(1000);
    expect(at.remainingMs).toBe(period * 1000);
    expect(at.period).toBe(period);
    expect(at.counter).toBeNull();
    // the last millisecond of a step still belongs to it
    expect(generateCode(entry, k * period * 1000 - 1)).toMatchObject({ code: before.code, remainingMs: 1 });
  });
  it("keeps leading zeros (RFC 6238 07081804, and a 6-digit code starting 0)", () => {
    const entry = { type: "totp" as const, secret, algorithm: "SHA1" as const, digits: 8, period: 30 };
    expect(generateCode(entry, 1_111_111_109_000).code).toBe("07081804");
    expect(generateCode({ ...entry, digits: 6 }, 1_234_567_890_000).code).toBe("005924");
  });
  it("steps with stepOffset but reports the current step's remaining time", () => {
    const entry = { type: "totp" as const, secret, algorithm: "SHA1" as const, digits: 6, period: 30 };
    const next = generateCode(entry, 59_000, 1);
    expect(next.code).toBe(generateCode(entry, 60_000).code);
    expect(next.remainingMs).toBe(1000);
    expect(generateCode(entry, 60_000, -1).code).toBe(generateCode(entry, 59_000).code);
  });
  it("refuses times and steps before 1970", () => {
    const entry = { type: "totp" as const, secret, algorithm: "SHA1" as const, digits: 6 };
    expect(() => generateCode(entry, -1)).toThrow(UsageError);
    expect(() => generateCode(entry, 0, -1)).toThrow(UsageError);
    expect(() => generateCode(entry, Number.NaN)).toThrow(UsageError);
  });
  it("refuses a bad period or digits with invalid-entry", () => {
    const entry = { type: "totp" as const, secret, algorithm: "SHA1" as const, digits: 6 };
    expect(() => generateCode({ ...entry, period: 0 }, 0)).toThrow(expect.objectContaining({ kind: "invalid-entry" }));
    expect(() => generateCode({ ...entry, digits: 11 }, 0)).toThrow(expect.objectContaining({ kind: "invalid-entry" }));
  });
});

describe("clocks far from now (docs/testplan.md H.61)", () => {
  const secret = rfc.totp.secrets.SHA1.base32;
  const times = [
    { what: "1970-01-01T00:00:00Z", s: 0 },
    { what: "2038-01-19T03:14:07Z (last 32-bit second)", s: 2 ** 31 - 1 },
    { what: "2038-01-19T03:14:08Z", s: 2 ** 31 },
    { what: "2100-01-01T00:00:00Z", s: Date.UTC(2100, 0, 1) / 1000 },
    { what: "2106-02-07T06:28:16Z (past 2^32 s)", s: 2 ** 32 },
    { what: "T = 20000000000 (year 2603)", s: 20_000_000_000 },
  ];
  it.each(times)("$what", ({ s }) => {
    for (const algorithm of ["SHA1", "SHA256", "SHA512"] as const) {
      const entry = { type: "totp" as const, secret, algorithm, digits: 8, period: 30 };
      expect(generateCode(entry, s * 1000).code).toBe(referenceHotp(secret, BigInt(Math.floor(s / 30)), algorithm, 8));
    }
  });
});

describe("Steam Guard", () => {
  // KeePassXC tests/TestTotp.cpp, TestTotp::testSteamTotp (github.com/keepassxreboot/keepassxc):
  // "created by running the Steam Guard function of the Steam mobile app with a throw-away steam
  // account". Secret 63BEDWCQZKTQWPESARIERL5DTTQFCJTK: 1511200518 → FR8RV, 1511200714 → 9P3VP.
  const steam = { type: "steam" as const, secret: "63BEDWCQZKTQWPESARIERL5DTTQFCJTK", algorithm: "SHA1" as const, digits: 5, period: 30 };
  it.each([
    [1_511_200_518, "FR8RV"],
    [1_511_200_714, "9P3VP"],
  ])("KeePassXC vector at %d → %s", (s, code) => {
    expect(generateCode(steam, s * 1000).code).toBe(code);
  });
  it("matches MAKS11060/otp src/steamTotp.test.ts (20 zero bytes: step 0 → RYH4D, 1 → DR2DK)", () => {
    const zero = { ...steam, secret: "A".repeat(32) };
    expect(generateCode(zero, 0).code).toBe("RYH4D");
    expect(generateCode(zero, 30_000).code).toBe("DR2DK");
  });
  it("ignores digits and algorithm, and reports a 30 s countdown", () => {
    const odd = { ...steam, digits: 8, algorithm: "SHA512" as const };
    expect(generateCode(odd, 1_511_200_518_000)).toEqual({ code: "FR8RV", remainingMs: 12_000, period: 30, counter: null });
  });
  it("only uses Steam's 26 characters", () => {
    for (let s = 0; s < 3000; s += 30) expect(generateCode(steam, s * 1000).code).toMatch(/^[23456789BCDFGHJKMNPQRTVWXY]{5}$/);
  });
});

describe("parseTime (--at)", () => {
  it.each([
    ["1767268800", 1_767_268_800_000],
    ["0", 0],
    ["1767268800.5", 1_767_268_800_500],
    [" 1767268800 ", 1_767_268_800_000],
    ["2026-01-01T12:00:00Z", 1_767_268_800_000],
    ["2026-01-01t12:00:00z", 1_767_268_800_000],
    ["2026-01-01 12:00:00Z", 1_767_268_800_000],
    ["2026-01-01T12:00:00.250Z", 1_767_268_800_250],
    ["2026-01-01T13:00:00+01:00", 1_767_268_800_000],
    ["2026-01-01T13:00:00+0100", 1_767_268_800_000],
    ["2026-01-01T07:00-05:00", 1_767_268_800_000],
    ["2026-01-01", 1_767_225_600_000],
    ["2038-01-19T03:14:08Z", 2 ** 31 * 1000],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
  ])("%s → %d", (text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });
  it("reads a date-time without a zone as local time, like Date.parse", () => {
    expect(parseTime("2026-01-01T12:00:00")).toBe(new Date(2026, 0, 1, 12, 0, 0).getTime());
  });
  it.each([
    "",
    "now",
    "-1",
    "1e9",
    "0x10",
    "12:00",
    "2026-13-01",
    "2026-02-30",
    "2025-02-29",
    "2026-01-01T24:00:00Z",
    "2026-01-01T12:60Z",
    "2026-01-01T12:00:00+01",
    "1969-12-31T23:59:59Z",
    "9".repeat(15),
    "2026-1-1",
  ])("refuses %j with a usage error", (text) => {
    expect(() => parseTime(text)).toThrow(UsageError);
    expect(() => parseTime(text)).toThrow("--at wants an ISO-8601 time or Unix seconds, like 2026-01-01T12:00:00Z or 1767268800");
  });
});

describe("stepAt", () => {
  const e = { type: "totp", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", algorithm: "SHA1", digits: 6, period: 30 } as const;
  it("is the step generateCode uses, 0 through the first period, and refuses what generateCode refuses", () => {
    expect(stepAt(e, 0)).toBe(0);
    expect(stepAt(e, 29_999)).toBe(0);
    expect(stepAt(e, 30_000)).toBe(1);
    expect(generateCode(e, 1000, 1).code).toBe(generateCode(e, 30_000).code);
    expect(() => stepAt(e, -1)).toThrow(UsageError);
    expect(() => stepAt({ ...e, period: 0 }, 0)).toThrow(InputError);
    expect(() => stepAt({ ...e, type: "hotp" } as never, 0)).toThrow(InputError);
  });
});
