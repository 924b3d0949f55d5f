// buildProgram with argv defines only the command argv names (start-up: `otp code` builds one
// command of ~40). What must not change: whichever command word argv has, that command is the
// same as in the whole tree, and anything without one gets the whole tree.
import { Help, type Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../../src/cli/program.js";

const names = (p: Command) => p.commands.map((c) => c.name());
const whole = buildProgram("1.0.0");
const help = new Help();
/** A command as its help shows it: usage, options, subcommands, examples. */
const shown = (c: Command) => help.formatHelp(c, help);

describe("buildProgram(version, ctx, argv)", () => {
  it("defines only the command argv names, past the root's options and their values", () => {
    expect(names(buildProgram("1.0.0", undefined, ["code", "github"]))).toEqual(["code"]);
    expect(names(buildProgram("1.0.0", undefined, ["--vault", "/tmp/v.otp", "--no-color", "ls"]))).toEqual(["list"]);
    expect(names(buildProgram("1.0.0", undefined, ["--password-file", "-", "rm", "x"]))).toEqual(["remove"]);
    expect(names(buildProgram("1.0.0", undefined, ["--vault=/tmp/v.otp", "sync", "status"]))).toEqual(["sync"]);
  });

  it("builds the whole tree without a known command word: help, typos, `--`, an option's value", () => {
    for (const argv of [[], ["--help"], ["-V"], ["help", "code"], ["cod", "x"], ["--", "code"], ["--vault", "code"]])
      expect(names(buildProgram("1.0.0", undefined, argv)), argv.join(" ")).toEqual(names(whole));
  });

  it("each command alone is the command of the whole tree", () => {
    expect(whole.commands.length).toBeGreaterThan(15);
    for (const command of whole.commands) {
      const alone = buildProgram("1.0.0", undefined, [command.name()]);
      expect(names(alone)).toEqual([command.name()]);
      const one = alone.commands[0]!;
      expect(shown(one)).toBe(shown(command));
      expect(one.commands.map(shown)).toEqual(command.commands.map(shown));
      for (const alias of command.aliases()) expect(names(buildProgram("1.0.0", undefined, [alias]))).toEqual([command.name()]);
    }
  });
});
