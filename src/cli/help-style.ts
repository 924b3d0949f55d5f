// How help and commander's own errors look: colour only on a terminal, never with NO_COLOR or
// --no-color (commander strips the styles otherwise); an unknown command or option gets the
// nearest one of its own group as an `otp: hint:` line, like the rest of otp's errors.
import type { Command, HelpConfiguration } from "commander";
import { firstExample, nearest } from "./help-hints.js";
import { isTerminal } from "../io/terminal.js";

/** Colour on this fd: a terminal, no --no-color in argv, NO_COLOR unset or empty. */
export function colorOn(fd: number, argv: string[], env: Record<string, string | undefined>): boolean {
  return !argv.includes("--no-color") && !env.NO_COLOR && isTerminal(fd);
}

const sgr = (on: string, off: string) => (s: string) => `\x1b[${on}m${s}\x1b[${off}m`;

export const helpStyles: HelpConfiguration = {
  styleTitle: sgr("1", "22"),
  styleCommandText: sgr("1", "22"),
  styleSubcommandText: sgr("36", "39"),
  styleOptionText: sgr("33", "39"),
  styleArgumentText: sgr("3", "23"),
};

/** The words that reach cmd: "otp recovery use" (just "otp" without one). */
function commandPath(cmd: Command | undefined): string {
  const names: string[] = [];
  for (let c: Command | null | undefined = cmd; c; c = c.parent) names.unshift(c.name());
  return names.length > 0 ? names.join(" ") : "otp";
}

const CHOICE =
  /^error: (?:command-argument value '(.*)' is invalid for argument '.*'|option '(\S+?)(?:[ ,][^']*)?' argument '(.*)' is invalid)\. Allowed choices are (.*)\.$/;

/**
 * Commander's error text as otp's lines, `cmd` being the command that reported it:
 * "error: unknown command 'uses'\n(Did you mean use?)" from `otp recovery` →
 * "otp: error: unknown command 'uses'" + "otp: hint: did you mean `otp recovery use`?". A value
 * outside an argument's or option's choices gets the nearest choice; a missing argument, the
 * usage line and the command's first example.
 */
export function commanderError(text: string, cmd?: Command): string {
  const where = commandPath(cmd);
  const lines = text.trim().split("\n");
  const out: string[] = [];
  let hinted = false;
  for (const line of lines) {
    const m = /^\(Did you mean (?:one of )?(.+)\?\)$/.exec(line.trim());
    if (!m) {
      out.push(`otp: ${line}`);
      continue;
    }
    hinted = true;
    const names = m[1]!.split(", ");
    const shown = names.map((n) => (n.startsWith("-") ? n : `\`${where} ${n}\``));
    out.push(`otp: hint: did you mean ${shown.join(" or ")}?`);
  }
  const choice = CHOICE.exec(lines[0]!.trim());
  if (choice) {
    const [, argValue, flag, optValue, allowed] = choice;
    const near = nearest(argValue ?? optValue!, allowed!.split(", "));
    if (near.length > 0)
      out.push(`otp: hint: did you mean ${near.map((c) => (flag ? `\`${flag} ${c}\`` : `\`${where} ${c}\``)).join(" or ")}?`);
  }
  if (/^error: missing required argument/.test(lines[0]!) && cmd) {
    out.push(`otp: hint: usage: ${where} ${cmd.usage()}`);
    const example = firstExample(cmd);
    if (example) out.push(`otp: hint: for example: ${example}`);
  }
  if (!hinted && /unknown command/.test(text))
    out.push(where === "otp" ? "otp: hint: `otp --help` lists the commands" : `otp: hint: \`${where} --help\` lists its commands`);
  if (!hinted && /unknown option/.test(text)) out.push("otp: hint: `otp COMMAND --help` lists its options");
  return out.join("\n") + "\n";
}
