// The context every command gets: where the vault is, the environment, the clock, the writers
// for data (stdout) and messages (stderr), and the outside world (io/world.ts: the vault file,
// sessions, prompts, clipboard, git, files, QR codes, the terminal). Tests build their own
// (test/helpers/fake-world.ts).
import { isTerminal, writeStdout } from "../io/terminal.js";
import { canAsk } from "../io/ask-terminal.js";
import { vaultPath, type Env } from "../io/paths.js";
import { escapeForTerminal } from "../core/text.js";
import type { Readable } from "node:stream";
import { readAllCapped, readFirstLine } from "../io/bounded-read.js";
import { LINE_MAX_BYTES, MAX_INPUT_BYTES } from "../core/limits.js";
import { realWorld, type World } from "../io/world.js";
import { DEFAULT_ARGON2, type Argon2Params } from "../core/vault/kdf.js";

// The types of what the world hands back, for code that gets them through the Ctx.
export type { Clipboard } from "../io/clipboard.js";
export type { ReadResult } from "../io/vault-file.js";
export type { Env } from "../io/paths.js";

export interface GlobalOptions {
  vault?: string;
  passwordFile?: string;
  /** false with --no-color; commander always sets it */
  color: boolean;
}

/** What a command gets: the settings of this run, its writers, and the outside world (io/world.ts). */
export interface Ctx extends World {
  env: Env;
  vaultPath: string;
  passwordFile?: string;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /**
   * Whether a prompt can be asked: standard input is a terminal, or the process has a
   * controlling terminal (/dev/tty, opened only now) while standard input carries data.
   */
  canPrompt(): boolean;
  /** colour on stdout: a terminal, no NO_COLOR, no --no-color */
  color: boolean;
  now(): number;
  /**
   * The Argon2id cost of a new password slot (init, passwd, a backup's own password): today's
   * default (core/vault/kdf.ts), or the vault's own where that is higher. The command tests pass
   * a cheap one, as they pass a clock: ~70 ms a derivation otherwise, dozens per test file.
   */
  newSlotKdf: Argon2Params;
  /** one line of data on stdout */
  data(line: string): void;
  /** raw text on stdout */
  write(text: string): void;
  /** one message line on stderr ("otp: …"); control and bidi characters in msg are escaped */
  info(msg: string): void;
  warn(msg: string): void;
  hint(msg: string): void;
  /**
   * All of standard input, once, as UTF-8 text. More than `max` bytes (default 16 MiB, the
   * vault's own cap) stops the reading with InputError `input-too-large` (exit 2).
   */
  readStdin(max?: number): Promise<string>;
  /** All of standard input, once, as bytes (images, binary exports); capped as readStdin. */
  readStdinBytes(max?: number): Promise<Uint8Array>;
  /**
   * The first line of standard input (without its line ending; "" if there is none), as soon
   * as it has arrived: never waits for the end of input. A line over `max` bytes (default
   * 64 KiB) is InputError `input-too-large`; `skipBlank` skips blank lines first.
   */
  readStdinLine(opts?: StdinLineOptions): Promise<string>;
}

export interface StdinLineOptions {
  max?: number;
  skipBlank?: boolean;
  /** the hint under the too-long error: what the line should hold */
  hint?: string;
  /** refuse more lines that came in with the first one (the hint of that error): see io/bounded-read */
  oneLine?: string;
}

/** Where a Ctx gets its process: the real one (realHost), or a test's (test/helpers/cli-run.ts). */
export interface CtxHost {
  env: Env;
  world: World;
  now(): number;
  /** the cost of a new password slot; DEFAULT_ARGON2 when not given */
  newSlotKdf?: Argon2Params;
  /** raw text on standard output, standard error */
  out(text: string): void;
  err(text: string): void;
  isTerminal(fd: 0 | 1 | 2): boolean;
  /** whether a prompt can be asked, given whether standard input is a terminal */
  canAsk(stdinIsTTY: boolean): boolean;
  /** standard input, made only when read */
  stdin(): Readable;
}

export function realHost(): CtxHost {
  const env = process.env;
  return {
    env,
    world: realWorld(env),
    now: () => Date.now(),
    out: (text) => writeStdout(text),
    err: (text) => void process.stderr.write(text),
    // not process.stdin.isTTY: touching process.stdin builds the stream (~12 ms).
    isTerminal: (fd) => isTerminal(fd),
    canAsk: (stdinIsTTY) => canAsk(stdinIsTTY),
    stdin: () => process.stdin,
  };
}

export function createCtx(g: GlobalOptions, host: CtxHost = realHost()): Ctx {
  const env = host.env;
  let stdinRead = false;
  const tty: (boolean | undefined)[] = [];
  const isTTY = (fd: 0 | 1 | 2) => (tty[fd] ??= host.isTerminal(fd));
  let color: boolean | undefined;
  const err = host.err;
  const readAll = async (max = MAX_INPUT_BYTES): Promise<Uint8Array> => {
    if (stdinRead) return new Uint8Array(0);
    stdinRead = true;
    return readAllCapped(host.stdin(), max, "standard input");
  };
  return {
    ...host.world,
    env,
    vaultPath: vaultPath(g.vault, env),
    passwordFile: g.passwordFile,
    get stdinIsTTY() {
      return isTTY(0);
    },
    get stdoutIsTTY() {
      return isTTY(1);
    },
    get stderrIsTTY() {
      return isTTY(2);
    },
    canPrompt: () => host.canAsk(isTTY(0)),
    get color() {
      return (color ??= isTTY(1) && g.color !== false && !("NO_COLOR" in env && env.NO_COLOR !== ""));
    },
    now: () => host.now(),
    newSlotKdf: host.newSlotKdf ?? DEFAULT_ARGON2,
    data: (line) => host.out(line + "\n"),
    write: (text) => host.out(text),
    // Messages name entries, files and remotes: escaped here, so none can steer the terminal (core/text.ts).
    info: (msg) => err(`otp: ${escapeForTerminal(msg)}\n`),
    warn: (msg) => err(`otp: warning: ${escapeForTerminal(msg)}\n`),
    hint: (msg) => err(`otp: hint: ${escapeForTerminal(msg)}\n`),
    readStdin: async (max) => Buffer.from(await readAll(max)).toString("utf8"),
    readStdinBytes: (max) => readAll(max),
    readStdinLine: async (o = {}) => {
      if (stdinRead) return "";
      stdinRead = true;
      // On a terminal a prompt may read after this line: leave it open there.
      return readFirstLine(host.stdin(), {
        max: o.max ?? LINE_MAX_BYTES,
        what: "standard input",
        skipBlank: o.skipBlank,
        hint: o.hint,
        oneLine: o.oneLine,
        keepOpen: isTTY(0),
      });
    },
  };
}
