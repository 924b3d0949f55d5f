// How help and commander's own errors look: colour only on a terminal, never with NO_COLOR or
// --no-color (commander strips the styles otherwise); an unknown command or option gets the
// nearest one as an `otp: hint:` line, like the rest of otp's errors.
import type { HelpConfiguration } from "commander";
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

/**
 * Commander's error text as otp's lines: "error: unknown command 'cod'\n(Did you mean code?)"
 * → "otp: error: unknown command 'cod'" + "otp: hint: did you mean `otp code`?".
 */
export function commanderError(text: string): string {
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
    const shown = names.map((n) => (n.startsWith("-") ? n : `\`otp ${n}\``));
    out.push(`otp: hint: did you mean ${shown.join(" or ")}?`);
  }
  if (!hinted && /unknown command/.test(text)) out.push("otp: hint: `otp --help` lists the commands");
  if (!hinted && /unknown option/.test(text)) out.push("otp: hint: `otp COMMAND --help` lists its options");
  return out.join("\n") + "\n";
}
