// What help teaches beyond commander: examples laid out one to a line with their description in
// a column apart, the first example of each command kept for a usage error, and the nearest
// subcommand for a typo inside a group whose own action takes operands (`otp sync stauts`,
// `otp backup verfy x`), where commander would only say "too many arguments".
import { pathExists } from "../io/paths.js";
import { Command, type AddHelpTextContext, type AddHelpTextPosition } from "commander";
import { UsageError } from "../core/errors.js";
import type { Ctx, GlobalOptions } from "./context.js";

/** Help text is laid out for this many columns (commander's own width off a terminal). */
const WIDTH = 80;
const GAP = 3;

/** The examples text of a command (as examples() made it) → its first example's command part. */
const firstExamples = new Map<string, string>();

/** "otp add github --stdin  add a seed" → the command and its description (after 2+ spaces, or a ` # ` comment). */
function splitExample(line: string): { cmd: string; desc: string } {
  const m = /^(.*?\S)(?:\s{2,}|\s+(?=# ))(\S.*)$/.exec(line);
  return m ? { cmd: m[1]!, desc: m[2]! } : { cmd: line.trim(), desc: "" };
}

/**
 * An "Examples:" block: each example on one line, descriptions in one column after the longest
 * command. When that column would run past 80, each description goes on its own line above its
 * example as a shell comment, so a line never wraps into the next example.
 */
export function examples(lines: string[]): string {
  const rows = lines.map(splitExample);
  const col = Math.max(0, ...rows.filter((r) => r.desc).map((r) => r.cmd.length)) + GAP;
  const fits = rows.every((r) => !r.desc || 2 + col + r.desc.length <= WIDTH);
  const body = rows.flatMap((r) => {
    if (!r.desc) return [`  ${r.cmd}`];
    if (fits) return [`  ${r.cmd.padEnd(col)}${r.desc}`];
    return [`  ${r.desc.startsWith("#") ? r.desc : `# ${r.desc}`}`, `  ${r.cmd}`];
  });
  // Bold on a terminal; commander strips the styles where help has no colour.
  const text = "\n\x1b[1mExamples:\x1b[22m\n" + body.join("\n") + "\n";
  if (rows[0]) firstExamples.set(text, rows[0].cmd);
  return text;
}

/** The command part of the first example in a command's help, if it has one. */
export function firstExample(cmd: Command): string | undefined {
  return (cmd as OtpCommand).firstExample;
}

/** A Command that remembers its first example (subcommands are made by createCommand, so they are OtpCommands too). */
export class OtpCommand extends Command {
  firstExample?: string;
  /** on the root: how a command's Ctx is made (cli/program.ts) */
  makeCtx?: (g: GlobalOptions) => Ctx;

  override createCommand(name?: string): Command {
    return new OtpCommand(name);
  }

  // A group takes excess operands only to name the typo (hintSubcommandTypos): its subcommands still refuse them.
  override copyInheritedSettings(source: Command): this {
    return super.copyInheritedSettings(source).allowExcessArguments(false);
  }

  override addHelpText(position: AddHelpTextPosition, text: string | ((context: AddHelpTextContext) => string)): this {
    if (position === "after" && typeof text === "string" && this.firstExample === undefined)
      for (const [block, first] of firstExamples) if (text.includes(block)) this.firstExample = first;
    return super.addHelpText(position, text as string);
  }
}

/** Optimal string alignment distance (a swap of two neighbours is one edit), as commander counts. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** The candidates nearest to word (at most 2 edits, and more alike than not), as commander suggests commands. */
export function nearest(word: string, candidates: readonly string[]): string[] {
  let best = 3;
  let out: string[] = [];
  for (const c of new Set(candidates)) {
    if (c.length <= 1) continue;
    const dist = distance(word, c);
    if ((Math.max(word.length, c.length) - dist) / Math.max(word.length, c.length) <= 0.4) continue;
    if (dist < best) [best, out] = [dist, [c]];
    else if (dist === best) out.push(c);
  }
  // A tie goes to those that begin like the word: "bsh" is bash rather than zsh.
  const same = out.filter((c) => c[0] === word[0]);
  return (same.length > 0 ? same : out).sort();
}

const path = (cmd: Command) => {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
};

/**
 * For a command that has an action and subcommands (`otp sync`, `otp backup [FILE]`): operands
 * beyond its own arguments, or a first operand one typo from a subcommand that names no existing
 * file, are a mistyped subcommand: exit 2 with the nearest one. `./verfy` is always a FILE;
 * `fileHint` says how to give one that looks like a typo. (otp: error lines are escaped when printed.)
 */
export function hintSubcommandTypos(cmd: Command, fileHint?: (word: string) => string): Command {
  // Commander would stop at "too many arguments" before any hook: the hook counts them itself.
  return cmd.allowExcessArguments(true).hook("preAction", (self, actionCommand) => {
    if (actionCommand !== self || self.args.length === 0) return;
    const word = self.args[0]!;
    const names = self
      .createHelp()
      .visibleCommands(self)
      .flatMap((c) => [c.name(), ...c.aliases()]);
    const near = nearest(word, names);
    const expected = self.registeredArguments.length;
    const tooMany = self.args.length > expected;
    if (!tooMany && (near.length === 0 || /[/.]/.test(word) || pathExists(word))) return;
    const where = `\`${path(self)}\``;
    if (near.length === 0 && expected > 0)
      throw new UsageError("usage", `too many arguments for ${where}: it takes ${expected === 1 ? "one" : expected}`, [
        `\`${path(self)} --help\` shows its usage`,
      ]);
    if (near.length === 0)
      throw new UsageError("usage", `unknown command '${word}' for ${where}`, [`\`${path(self)} --help\` lists its commands`]);
    const hints = [`did you mean ${near.map((n) => `\`${path(self)} ${n}\``).join(" or ")}?`];
    if (!tooMany && fileHint) hints.push(fileHint(word));
    throw new UsageError("usage", `unknown command '${word}' for ${where}`, hints);
  });
}
