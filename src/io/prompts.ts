// Prompts on the terminal, through @inquirer/prompts, loaded only when a prompt is needed.
// They read from standard input when it is a terminal, else from the controlling terminal
// (/dev/tty: standard input then carries data, as in `echo SECRET | otp add x --stdin`), and
// draw on standard error when it is a terminal, else on /dev/tty (standard output is for
// data). Ctrl-C is InterruptedError (exit 130). Every message is escaped for the terminal:
// prompts name entries and files (core/text.ts).
import { constants, openSync } from "node:fs";
import type { ReadStream } from "node:tty";
import { InterruptedError } from "../core/errors.js";
import { loadPackage } from "../core/load.js";
import { matchEntries, type Matchable } from "../core/match.js";
import { escapeForTerminal } from "../core/text.js";
import { controllingTerminal } from "./ask-terminal.js";
import { hiddenPrompt } from "./hidden-prompt.js";
import { isTerminal } from "./terminal.js";

const inquirer = () => loadPackage<typeof import("@inquirer/prompts")>("@inquirer/prompts");

/** One reader of /dev/tty for the whole run: each prompt's readline pauses it when done. */
let ttyInput: ReadStream | undefined;

async function context(): Promise<{ input: NodeJS.ReadableStream; output: NodeJS.WritableStream; clearPromptOnDone: false }> {
  const tty = await loadPackage<typeof import("node:tty")>("node:tty");
  let input: NodeJS.ReadableStream = process.stdin;
  let output: NodeJS.WritableStream = process.stderr;
  const fd = isTerminal(0) && isTerminal(2) ? null : controllingTerminal();
  if (fd !== null && !isTerminal(0)) input = ttyInput ??= new tty.ReadStream(fd);
  // A stream of its own for each prompt: the prompt ends (closes) its output when it is done.
  if (fd !== null && !isTerminal(2)) {
    try {
      output = new tty.WriteStream(openSync("/dev/tty", constants.O_WRONLY | constants.O_NOCTTY));
    } catch {
      // drawn on standard error after all, as before
    }
  }
  return { input, output, clearPromptOnDone: false };
}

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === "ExitPromptError" || name === "AbortPromptError" || name === "CancelPromptError") throw new InterruptedError();
    throw err;
  }
}

/** Hidden input: nothing typed is shown, not even asterisks. The answer is marked neither right nor wrong. */
export async function askSecret(message: string): Promise<string> {
  const r = await askHidden(message);
  if (!r.ok) throw r.error;
  return r.value as string;
}

/**
 * Hidden input checked before the prompt ends (see hidden-prompt.ts): returns what `check`
 * returns, the prompt marked ✔. When check throws, the prompt is marked ✘ and `retry(err,
 * attempt)` says why to ask again (shown by `warn`, then the prompt again), or null: the
 * error is thrown.
 */
export async function askSecretChecked<T>(
  message: string,
  check: (answer: string) => Promise<T>,
  retry: (err: unknown, attempt: number) => string | null,
  warn: (msg: string) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const r = await askHidden(message, check);
    if (r.ok) return r.value as T;
    const why = retry(r.error, attempt);
    if (why === null) throw r.error;
    warn(why);
  }
}

async function askHidden(message: string, check?: (answer: string) => Promise<unknown>) {
  const hidden = await hiddenPrompt();
  const ctx = await context();
  return guard(() => hidden({ message: escapeForTerminal(message), check }, ctx));
}

/** Visible input; `validate` returns true or why the answer is refused (shown, and the answer kept to fix). */
export async function askText(message: string, initial = "", validate?: (answer: string) => true | string): Promise<string> {
  const { input } = await inquirer();
  const check =
    validate &&
    ((v: string) => {
      const r = validate(v);
      return r === true ? true : escapeForTerminal(r);
    });
  const ctx = await context();
  return guard(() => input({ message: escapeForTerminal(message), default: initial || undefined, validate: check }, ctx));
}

export async function askConfirm(message: string, initial = false): Promise<boolean> {
  const { confirm } = await inquirer();
  const ctx = await context();
  return guard(() => confirm({ message: escapeForTerminal(message), default: initial }, ctx));
}

/**
 * A pick list (@inquirer/prompts `search`): arrow keys move, typing narrows the list by the
 * query rules, Enter picks. Each line shows the name, issuer and account (escaped).
 */
export async function askPick<T extends Matchable>(message: string, candidates: T[]): Promise<T> {
  const { search } = await inquirer();
  const ctx = await context();
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
      ctx,
    ),
  );
}
