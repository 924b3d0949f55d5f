// The command layer (test/cli): otp's commands run in this process through the same argv →
// program → command → exit code path as the binary (src/cli/run.ts), with a fixed clock,
// captured output and a fake of each part of the outside world a test names (prompts with
// scripted answers, a clipboard that records, a terminal of a given size). The vault file,
// sessions and other files are real, in the test's temporary HOME: they are cheap, and faking
// them would test the fake. One run takes milliseconds, not a process start.
import { Readable } from "node:stream";
import { createCtx, realHost, type CtxHost } from "../../src/cli/context.js";
import { runCli } from "../../src/cli/run.js";
import type { Matchable } from "../../src/core/match.js";
import type { Clipboard } from "../../src/io/clipboard.js";
import { realWorld, type World } from "../../src/io/world.js";
import type { Argon2Params } from "../../src/core/vault/kdf.js";
import { CHEAP_KDF, OTP_BIN, type OtpHome } from "./otp-home.js";

/** 2026-01-01T00:00:00Z, the date the test vaults are made at; TOTP step 59,177,760. */
export const FIXED_NOW = Date.UTC(2026, 0, 1);

export interface CliOptions {
  /** environment beyond the home's (home.env()): e.g. { OTP_SESSION: … } */
  env?: Record<string, string | undefined>;
  /** false: no OTP_PASSWORD (as home.env) */
  password?: boolean;
  /** the clock, in ms since the epoch (FIXED_NOW is handy); default the real one */
  now?: number | (() => number);
  /** standard input (default empty) */
  input?: string | Uint8Array;
  /** which of standard input, output and error are terminals (default none) */
  tty?: { stdin?: boolean; stdout?: boolean; stderr?: boolean };
  /** answers to the prompts, in order; a prompt with none left fails the test. Given: prompts can be asked */
  answers?: (string | boolean)[];
  /** the window on standard output (default 80×24) */
  window?: { columns: number; rows: number };
  /**
   * the Argon2id cost of a new password slot (init, passwd, a backup's password): CHEAP_KDF unless
   * given, as the test vaults (otp-home.ts); DEFAULT_ARGON2 where a test checks the product's own
   */
  kdf?: Argon2Params;
  /** parts of the world to replace (merged over the real and fake ones) */
  world?: { [K in keyof World]?: Partial<World[K]> };
}

export interface CliResult {
  code: number;
  /** always null: no process was signalled (the shape of e2e-util's RunResult) */
  signal: null;
  stdout: string;
  stderr: string;
  /** what the clipboard was given, in order */
  copied: string[];
  /** the prompts' messages, in order */
  asked: string[];
}

/** Runs `otp ARGV` in-process against the home's vault: e2e-util's otp(), without the process. */
export async function otpIn(home: OtpHome, argv: string[], o: CliOptions = {}): Promise<CliResult> {
  const env = home.env(o.env, { password: o.password });
  let stdout = "";
  let stderr = "";
  const copied: string[] = [];
  const asked: string[] = [];
  const answers = [...(o.answers ?? [])];
  const answer = <T>(message: string): T => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`the test gave no answer for the prompt "${message}"`);
    return answers.shift() as T;
  };
  const real = realWorld(env);
  const fakes: World = {
    ...real,
    prompts: {
      secret: async (m) => answer<string>(m),
      secretChecked: async (m, check, retry, warn) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await check(answer<string>(m));
          } catch (err) {
            const why = retry(err, attempt);
            if (why === null) throw err;
            warn(why);
          }
        }
      },
      text: async (m, _initial, validate) => {
        for (;;) {
          const a = answer<string>(m);
          const ok = validate ? validate(a) : true;
          if (ok === true) return a;
          stderr += `> ${ok}\n`;
        }
      },
      confirm: async (m) => answer<boolean>(m),
      pick: async <T extends Matchable>(m: string, candidates: T[]) => {
        const name = answer<string>(m);
        const found = candidates.find((c) => c.name === name);
        if (!found) throw new Error(`the pick list had no "${name}"`);
        return found;
      },
      lines: async (m) => answer<string>(m),
    },
    clipboard: {
      choose: async (): Promise<Clipboard> => ({ kind: "osc52", tty: "/dev/null" }),
      copy: async (_board, text) => void copied.push(text),
      scheduleClear: async () => undefined,
      canOpenTty: async () => true,
    },
    terminal: {
      ...real.terminal,
      window: () => o.window ?? { columns: 80, rows: 24 },
      errColumns: () => 80,
      status: (text) => void (stderr += text),
    },
    process: {
      ...real.process,
      spinner: (_on, _message, fn) => fn(),
      // git runs otp itself (merge driver, hooks): the built binary, as the user's would.
      selfCommand: () => [process.execPath, OTP_BIN],
    },
  };
  for (const [part, over] of Object.entries(o.world ?? {})) Object.assign((fakes as unknown as Record<string, object>)[part]!, over);
  const tty = o.tty ?? {};
  const clock = o.now ?? (() => Date.now());
  const host: CtxHost = {
    ...realHost(),
    env,
    world: fakes,
    now: typeof clock === "function" ? clock : () => clock,
    newSlotKdf: o.kdf ?? CHEAP_KDF,
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    isTerminal: (fd) => (fd === 0 ? !!tty.stdin : fd === 1 ? !!tty.stdout : !!tty.stderr),
    canAsk: () => o.answers !== undefined,
    stdin: () => Readable.from(o.input === undefined ? [] : [Buffer.from(o.input)]),
  };
  const code = await runCli(
    argv,
    {
      makeCtx: (g) => createCtx(g, host),
      out: host.out,
      err: host.err,
      color: () => false,
      interactive: false,
      debug: false,
    },
    "0.0.0-test",
  );
  return { code, signal: null, stdout, stderr, copied, asked };
}
