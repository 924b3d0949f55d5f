import { describe, expect, it } from "vitest";
import { colorOn, commanderError } from "../../../src/cli/help-style.js";

describe("commander's errors as otp lines", () => {
  it("turns its suggestion into an otp: hint", () => {
    expect(commanderError("error: unknown command 'cod'\n(Did you mean code?)")).toBe("otp: error: unknown command 'cod'\notp: hint: did you mean `otp code`?\n");
    expect(commanderError("error: unknown command 'lst'\n(Did you mean one of list, ls?)")).toBe("otp: error: unknown command 'lst'\notp: hint: did you mean `otp list` or `otp ls`?\n");
    expect(commanderError("error: unknown option '--ta'\n(Did you mean --at?)")).toBe("otp: error: unknown option '--ta'\notp: hint: did you mean --at?\n");
  });

  it("points at --help when there is nothing near, and leaves other errors as they are", () => {
    expect(commanderError("error: unknown command 'zz'")).toMatch(/hint: `otp --help` lists the commands/);
    expect(commanderError("error: missing required argument 'query'\n")).toBe("otp: error: missing required argument 'query'\n");
  });
});

describe("colour", () => {
  it("never with NO_COLOR or --no-color, never off a terminal", () => {
    expect(colorOn(1, [], { NO_COLOR: "1" })).toBe(false);
    expect(colorOn(1, ["--no-color"], {})).toBe(false);
    expect(colorOn(99, [], {})).toBe(false); // not even an open fd
  });
});
