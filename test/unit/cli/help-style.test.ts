import { describe, expect, it } from "vitest";
import { colorOn, commanderError } from "../../../src/cli/help-style.js";
import { examples, nearest, OtpCommand } from "../../../src/cli/help-hints.js";

describe("commander's errors as otp lines", () => {
  it("turns its suggestion into an otp: hint", () => {
    expect(commanderError("error: unknown command 'cod'\n(Did you mean code?)")).toBe(
      "otp: error: unknown command 'cod'\notp: hint: did you mean `otp code`?\n",
    );
    expect(commanderError("error: unknown command 'lst'\n(Did you mean one of list, ls?)")).toBe(
      "otp: error: unknown command 'lst'\notp: hint: did you mean `otp list` or `otp ls`?\n",
    );
    expect(commanderError("error: unknown option '--ta'\n(Did you mean --at?)")).toBe(
      "otp: error: unknown option '--ta'\notp: hint: did you mean --at?\n",
    );
  });

  it("points at --help when there is nothing near, and leaves other errors as they are", () => {
    expect(commanderError("error: unknown command 'zz'")).toMatch(/hint: `otp --help` lists the commands/);
    expect(commanderError("error: missing required argument 'query'\n")).toBe("otp: error: missing required argument 'query'\n");
  });
});

describe("inside a command group", () => {
  const program = new OtpCommand("otp");
  const recovery = program.command("recovery");
  const use = recovery
    .command("use")
    .argument("<query>")
    .addHelpText("after", examples(["otp recovery use github   prints one code", "otp recovery use gh"]));
  const completion = program.command("completion");

  it("names the group in the hint", () => {
    expect(commanderError("error: unknown command 'uses'\n(Did you mean use?)", recovery)).toBe(
      "otp: error: unknown command 'uses'\notp: hint: did you mean `otp recovery use`?\n",
    );
    expect(commanderError("error: unknown command 'zz'", recovery)).toBe(
      "otp: error: unknown command 'zz'\notp: hint: `otp recovery --help` lists its commands\n",
    );
  });

  it("a value outside the choices gets the nearest choice", () => {
    expect(
      commanderError(
        "error: command-argument value 'bsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.",
        completion,
      ),
    ).toMatch(/\notp: hint: did you mean `otp completion bash`\?\n$/);
    expect(commanderError("error: option '--format <format>' argument 'jsno' is invalid. Allowed choices are uri, json, aegis.")).toMatch(
      /\notp: hint: did you mean `--format json`\?\n$/,
    );
    expect(commanderError("error: option '--format <format>' argument 'zzzzzz' is invalid. Allowed choices are uri, json.")).not.toMatch(
      /hint/,
    );
  });

  it("a missing argument: the usage line and the first example's command", () => {
    expect(commanderError("error: missing required argument 'query'", use)).toBe(
      "otp: error: missing required argument 'query'\notp: hint: usage: otp recovery use [options] <query>\notp: hint: for example: otp recovery use github\n",
    );
  });

  it("nearest: at most two edits, a swap is one, ties go to the same first letter", () => {
    expect(nearest("stauts", ["init", "status", "help"])).toEqual(["status"]);
    expect(nearest("verfy", ["verify", "help"])).toEqual(["verify"]);
    expect(nearest("bsh", ["bash", "zsh", "fish"])).toEqual(["bash"]);
    expect(nearest("x", ["verify", "help"])).toEqual([]);
    expect(nearest("lst", ["list", "ls"])).toEqual(["list", "ls"]);
  });
});

describe("examples", () => {
  it("one to a line, the descriptions in one column apart from the commands", () => {
    expect(examples(["otp a  first", "otp bbbbb x  second # not a comment", "otp c"])).toBe(
      "\n\x1b[1mExamples:\x1b[22m\n  otp a         first\n  otp bbbbb x   second # not a comment\n  otp c\n",
    );
    expect(examples(["x=$(otp code a) # for scripts"])).toContain("  x=$(otp code a)   # for scripts\n");
  });

  it("past 80 columns, each description goes above its example as a shell comment", () => {
    const long = `otp ${"x".repeat(50)}`;
    expect(examples([`${long}  a description of thirty chars`, "otp y  # already a comment"])).toBe(
      `\n\x1b[1mExamples:\x1b[22m\n  # a description of thirty chars\n  ${long}\n  # already a comment\n  otp y\n`,
    );
  });
});

describe("colour", () => {
  it("never with NO_COLOR or --no-color, never off a terminal", () => {
    expect(colorOn(1, [], { NO_COLOR: "1" })).toBe(false);
    expect(colorOn(1, ["--no-color"], {})).toBe(false);
    expect(colorOn(99, [], {})).toBe(false); // not even an open fd
  });
});
