// The context every command gets: where the vault is, the environment, the clock, and the
// writers for data (stdout) and messages (stderr). Tests build their own.
import { isTerminal, writeStdout } from "../io/terminal.js";
import { vaultPath, type Env } from "../io/paths.js";
import { escapeForTerminal } from "../core/text.js";

export interface GlobalOptions {
  vault?: string;
  passwordFile?: string;
  color?: boolean;
}

export interface Ctx {
  env: Env;
  vaultPath: string;
  passwordFile?: string;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** colour on stdout: a terminal, no NO_COLOR, no --no-color */
  color: boolean;
  now(): number;
  /** one line of data on stdout */
  data(line: string): void;
  /** raw text on stdout */
  write(text: string): void;
  /** one message line on stderr ("otp: …"); control and bidi characters in msg are escaped */
  info(msg: string): void;
  warn(msg: string): void;
  hint(msg: string): void;
  /** all of standard input, once, as UTF-8 text */
  readStdin(): Promise<string>;
  /** all of standard input, once, as bytes (images, binary exports) */
  readStdinBytes(): Promise<Uint8Array>;
}

export function createCtx(g: GlobalOptions): Ctx {
  const env = process.env;
  let stdinRead = false;
  const tty: (boolean | undefined)[] = [];
  let color: boolean | undefined;
  const err = (s: string) => process.stderr.write(s);
  const readAll = async (): Promise<Uint8Array> => {
    if (stdinRead) return new Uint8Array(0);
    stdinRead = true;
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  };
  return {
    env,
    vaultPath: vaultPath(g.vault, env),
    passwordFile: g.passwordFile,
    // not process.stdin.isTTY: touching process.stdin builds the stream (~12 ms).
    get stdinIsTTY() {
      return (tty[0] ??= isTerminal(0));
    },
    get stdoutIsTTY() {
      return (tty[1] ??= isTerminal(1));
    },
    get stderrIsTTY() {
      return (tty[2] ??= isTerminal(2));
    },
    get color() {
      return (color ??= isTerminal(1) && g.color !== false && !("NO_COLOR" in env && env.NO_COLOR !== ""));
    },
    now: () => Date.now(),
    data: (line) => writeStdout(line + "\n"),
    write: (text) => writeStdout(text),
    // Messages name entries, files and remotes: escaped here, so none can steer the terminal (core/text.ts).
    info: (msg) => err(`otp: ${escapeForTerminal(msg)}\n`),
    warn: (msg) => err(`otp: warning: ${escapeForTerminal(msg)}\n`),
    hint: (msg) => err(`otp: hint: ${escapeForTerminal(msg)}\n`),
    readStdin: async () => Buffer.from(await readAll()).toString("utf8"),
    readStdinBytes: () => readAll(),
  };
}
