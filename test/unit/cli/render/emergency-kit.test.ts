// The emergency kit's recovery-code columns: as many as the longest line fits in,
// so a line breaks only where it must, and then before its "used DATE", never inside it.
import { describe, expect, it } from "vitest";
import { codeColumns } from "../../../../src/cli/render/emergency-kit.js";

const list = (codes: string[], used: number[] = []) =>
  codes.map((code, i) => ({ code, usedAt: used.includes(i) ? "2026-12-04T09:15:00.000Z" : null }));

describe("codeColumns", () => {
  it.each([
    ["Google's 10 unused (1234 5678)", list(Array(10).fill("1234 5678")), 4],
    ["Google's 10, 2 used", list(Array(10).fill("1234 5678"), [2, 7]), 2],
    ["GitHub's 16 (xxxxx-xxxxx), 3 used", list(Array(16).fill("770b1-27d50"), [0, 5, 9]), 2],
    ["8 of 8 characters, none used", list(Array(8).fill("6BE302D5")), 4],
    ["a 40-character code, used", list(["x".repeat(40)], [0]), 1],
  ])("%s: %i", (_, codes, columns) => {
    expect(codeColumns(codes)).toBe(columns);
  });
});
