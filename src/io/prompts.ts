// Prompts on the terminal, through @inquirer/prompts, loaded only when a prompt is needed.
// They write to standard error (standard output is for data) and turn Ctrl-C into
// InterruptedError (exit 130). Every message is escaped for the terminal: prompts name entries
// and files (core/text.ts).
import { InterruptedError } from "../core/errors.js";
import { loadPackage } from "../core/load.js";
import { matchEntries, type Matchable } from "../core/match.js";
import { escapeForTerminal } from "../core/text.js";

const inquirer = () => loadPackage<typeof import("@inquirer/prompts")>("@inquirer/prompts");

const context = () => ({ input: process.stdin, output: process.stderr, clearPromptOnDone: false });

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === "ExitPromptError" || name === "AbortPromptError" || name === "CancelPromptError") throw new InterruptedError();
    throw err;
  }
}

/** Hidden input: nothing typed is shown, not even asterisks. */
export async function askSecret(message: string): Promise<string> {
  const { password } = await inquirer();
  // @inquirer/password ≥ 5 reveals the input on Ctrl-T unless toggleMask is false.
  return guard(() => password({ message: escapeForTerminal(message), toggleMask: false }, context()));
}

export async function askText(message: string, initial = ""): Promise<string> {
  const { input } = await inquirer();
  return guard(() => input({ message: escapeForTerminal(message), default: initial || undefined }, context()));
}

export async function askConfirm(message: string, initial = false): Promise<boolean> {
  const { confirm } = await inquirer();
  return guard(() => confirm({ message: escapeForTerminal(message), default: initial }, context()));
}

/**
 * A pick list (@inquirer/prompts `search`): arrow keys move, typing narrows the list by the
 * query rules, Enter picks. Each line shows the name, issuer and account (escaped).
 */
export async function askPick<T extends Matchable>(message: string, candidates: T[]): Promise<T> {
  const { search } = await inquirer();
  const label = (e: T) => {
    const who = [e.issuer, e.account].filter(Boolean).join(" · ");
    return escapeForTerminal(who ? `${e.name}  (${who})` : e.name);
  };
  return guard(() =>
    search<T>(
      {
        message: escapeForTerminal(message),
        source: (term) => matchEntries(candidates, term ?? "").map((e) => ({ value: e, name: label(e) })),
        pageSize: 12,
      },
      context(),
    ),
  );
}
