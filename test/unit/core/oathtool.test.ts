// Cross-checks generateCode against Debian's oathtool (OATH Toolkit) on seeded random cases:
// secrets of 10–64 bytes, SHA1/256/512, 6–8 digits, periods 15–120 s, times up to 2^34 s, and
// HOTP counters up to 2^53 − 1. All cases run through one `sh` so the file takes well under a second.
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeBase32 } from "../../../src/core/base32.js";
import { generateCode } from "../../../src/core/otp.js";
import { needTool } from "../../helpers/tools.js";

const SEED = 20_260_101;

const totpCase = fc.record({
  secret: fc.uint8Array({ minLength: 10, maxLength: 64 }),
  algorithm: fc.constantFrom("SHA1" as const, "SHA256" as const, "SHA512" as const),
  digits: fc.integer({ min: 6, max: 8 }),
  period: fc.integer({ min: 15, max: 120 }),
  seconds: fc.oneof(fc.integer({ min: 0, max: 2 ** 34 }), fc.integer({ min: 0, max: 4_000_000_000 })),
  extraMs: fc.integer({ min: 0, max: 999 }),
});
const hotpCase = fc.record({
  secret: fc.uint8Array({ minLength: 10, maxLength: 64 }),
  digits: fc.integer({ min: 6, max: 8 }),
  counter: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 ** 32 + 10 }), fc.maxSafeNat()),
});

/** Runs every command line in one shell; returns one output line per command. */
function runAll(commands: string[]): string[] {
  const script = commands.map((c) => `${c} || echo FAILED`).join("\n");
  return execFileSync("sh", ["-s"], { input: script, encoding: "utf8" }).trimEnd().split("\n");
}

describe.skipIf(!needTool("oathtool", "oathtool"))("generateCode agrees with oathtool", () => {
  it("on 240 random TOTP cases", () => {
    const cases = fc.sample(totpCase, { seed: SEED, numRuns: 240 });
    const lines = cases.map((c) => {
      const mode = c.algorithm === "SHA1" ? "sha1" : c.algorithm.toLowerCase();
      return `oathtool --totp=${mode} -d ${c.digits} -s ${c.period}s -N @${c.seconds} -b ${encodeBase32(c.secret)}`;
    });
    const expected = runAll(lines);
    expect(expected).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      const entry = { type: "totp" as const, secret: encodeBase32(c.secret), algorithm: c.algorithm, digits: c.digits, period: c.period };
      expect(generateCode(entry, c.seconds * 1000 + c.extraMs).code, lines[i]).toBe(expected[i]);
    });
  });

  it("on 80 random HOTP cases", () => {
    const cases = fc.sample(hotpCase, { seed: SEED + 1, numRuns: 80 });
    const lines = cases.map((c) => `oathtool --hotp -c ${c.counter} -d ${c.digits} -b ${encodeBase32(c.secret)}`);
    const expected = runAll(lines);
    expect(expected).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      const entry = {
        type: "hotp" as const,
        secret: encodeBase32(c.secret),
        algorithm: "SHA1" as const,
        digits: c.digits,
        counter: c.counter,
      };
      expect(generateCode(entry, 0).code, lines[i]).toBe(expected[i]);
    });
  });
});
