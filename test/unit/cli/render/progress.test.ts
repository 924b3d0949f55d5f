import { describe, expect, it } from "vitest";
import { progressLine } from "../../../../src/cli/render/progress.js";

describe("progress line", () => {
  it("a bar, the count and the file, cut to the width", () => {
    expect(progressLine(0, 10, "a.txt", 80)).toBe("importing ░░░░░░░░░░░░░░░░░░░░ 0/10 files  a.txt");
    expect(progressLine(5, 10, "b.png", 80)).toBe("importing ██████████░░░░░░░░░░ 5/10 files  b.png");
    expect(progressLine(3, 10, "x".repeat(100), 60)).toHaveLength(59);
    expect(progressLine(3, 10, "x", 30).length).toBeLessThan(30);
    expect(progressLine(1, 2, "evil\x1b[2J", 80)).not.toContain("\x1b");
  });
});
