// TTY helper: runs the built CLI in a real terminal, a detached tmux session (100×30 unless
// { size }) on a server of its own (`tmux -S <harness folder>/tmux.sock`: a unique socket that goes away with
// the folder, where -L would leave one in /tmp/tmux-UID per test; no user config). The pane runs
// `env -i <clean env> sh run.sh`: HOME, PATH, XDG_RUNTIME_DIR, TERM=xterm-256color, NO_COLOR=1
// unless { noColor: false }, plus the caller's extras; nothing else of the test runner's environment
// (no OTP_*, no TMUX) reaches otp. run.sh records `stty -a` before and after the command and
// then its exit status in files of a harness folder (not in HOME); `remain-on-exit` keeps the
// pane readable after the command ends. Tests type with type()/sendKeys(), then poll the
// screen with waitFor() (capture-pane within 50 ms of new output, never a fixed sleep).
// pipe-pane logs every byte the pane printed, so "never shown" can be checked on the stream,
// not only on the final screen. Call killTmuxSessions() in afterEach.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { OTP_BIN, ROOT } from "./otp-home.js";

const run = promisify(execFile);
const POLL_MS = 50;
const live = new Set<TmuxSession>();

export interface TmuxOptions {
  /** the temp HOME (otpHome().home) */
  home: string;
  /** otp's arguments: the pane runs `otp ARGS` */
  args?: string[];
  /** or a shell line using the `otp` function, e.g. "otp code x | cat" */
  shell?: string;
  /** extra variables for the pane (e.g. OTP_PASSWORD); undefined removes one */
  env?: Record<string, string | undefined>;
  /** set NO_COLOR=1 (default true) */
  noColor?: boolean;
  /** the window, columns × rows (default 100×30) */
  size?: { columns: number; rows: number };
}

export interface TmuxSession {
  /** the pane's harness folder (run.sh, status, stty files, output log) */
  readonly dir: string;
  /** types text literally (send-keys -l) */
  type(text: string): Promise<void>;
  /** presses keys by tmux name: "Enter", "C-c", "BSpace", … */
  sendKeys(...keys: string[]): Promise<void>;
  /** the screen and its scrollback, trailing blanks trimmed */
  screen(): Promise<string>;
  /** polls the screen until re matches; returns it; throws with the last screen on timeout */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** polls the raw output log (every byte the pane printed) until re matches */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
  /** the command's exit status, once it has ended */
  exitCode(timeoutMs?: number): Promise<number>;
  /** runs another tmux command on this server (e.g. "display-message", "-p", "#{alternate_on}"); its stdout */
  tmux(...args: string[]): Promise<string>;
  /** `stty -a` of the terminal just before and just after the command (after exitCode()) */
  stty(): { before: string; after: string };
  kill(): Promise<void>;
}

/** Waits for dist/otp.cjs: a parallel `npm run build` deletes dist/ for about a second. */
async function builtCli(timeoutMs = 15_000): Promise<void> {
  const bundle = join(ROOT, "dist", "otp.cjs");
  const end = Date.now() + timeoutMs;
  while (!existsSync(bundle)) {
    if (Date.now() > end) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts the CLI in a fresh tmux server; the session is killed by killTmuxSessions(). */
export async function startTmux(opts: TmuxOptions): Promise<TmuxSession> {
  await builtCli();
  const dir = mkdtempSync(join(tmpdir(), "otp-tty-"));
  const f = (name: string) => join(dir, name);
  const command = opts.shell ?? `otp ${(opts.args ?? []).map(quote).join(" ")}`;

  writeFileSync(
    f("tmux.conf"),
    ["set -g remain-on-exit on", "set -g status off", "set -g history-limit 5000", "set -sg escape-time 0", ""].join("\n"),
  );
  writeFileSync(
    f("run.sh"),
    [
      // a Ctrl-C that reaches the shell (otp not in raw mode) must not end the wrapper early
      "trap : INT",
      `stty -a > ${quote(f("stty.before"))} 2>&1`,
      `otp() { ${quote(process.execPath)} ${quote(OTP_BIN)} "$@"; }`,
      command,
      "s=$?",
      `stty -a > ${quote(f("stty.after"))} 2>&1`,
      `printf '[exit %s]\\n' "$s"`,
      `echo "$s" > ${quote(f("status.tmp"))} && mv ${quote(f("status.tmp"))} ${quote(f("status"))}`,
      "",
    ].join("\n"),
  );

  const env: Record<string, string> = {
    HOME: opts.home,
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    XDG_RUNTIME_DIR: join(opts.home, "run"),
    TERM: "xterm-256color",
  };
  if (opts.noColor !== false) env.NO_COLOR = "1";
  env.OTP_NO_BACKUP_REMINDER = "1"; // as in otp-home.ts: test vaults are dated 2026-01-01
  for (const [k, v] of Object.entries(opts.env ?? {}))
    if (v === undefined) delete env[k];
    else env[k] = v;
  const pane = ["/usr/bin/env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "/bin/sh", f("run.sh")];

  // The tmux client and server get a minimal environment too (no TMUX: never nest in the
  // developer's own tmux); -u: UTF-8 whatever the locale, so capture-pane keeps é and █.
  const tmuxEnv = { PATH: env.PATH!, HOME: opts.home, LANG: "C.UTF-8" };
  const tmux = (...args: string[]) =>
    run("tmux", ["-u", "-S", f("tmux.sock"), "-f", f("tmux.conf"), ...args], { env: tmuxEnv, encoding: "utf8" });

  const capture = async () => {
    const { stdout } = await tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "t");
    return stdout
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n")
      .trimEnd();
  };
  const poll = async (what: string, read: () => Promise<string>, re: RegExp, timeoutMs: number, changed = () => true) => {
    const end = Date.now() + timeoutMs;
    let text = await read();
    for (;;) {
      if (re.test(text)) return text;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${re} in the ${what}:\n${text}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (changed() || Date.now() > end) text = await read();
    }
  };
  // The screen changes only when the pane prints, and pipe-pane logs each byte after tmux has
  // drawn it: while the log stands still, the screen is the one already read. A capture-pane
  // is a tmux client process (~5 ms of CPU); 20 a second per waiting test added up to many
  // seconds of the tmux layer. Every 500 ms the screen is read anyway (a resize, tmux's own text).
  let seen = { size: -1, at: 0 };
  const screenChanged = () => {
    const size = statSync(f("output.log"), { throwIfNoEntry: false })?.size ?? 0;
    if (size === seen.size && Date.now() - seen.at < 500) return false;
    seen = { size, at: Date.now() };
    return true;
  };
  const readIf = (name: string) => (existsSync(f(name)) ? readFileSync(f(name), "utf8") : "");

  // One client command: the log starts before the event loop reads the pane's first output.
  const size = opts.size ?? { columns: 100, rows: 30 };
  await tmux(
    "new-session",
    "-d",
    "-s",
    "t",
    "-x",
    String(size.columns),
    "-y",
    String(size.rows),
    "--",
    ...pane,
    ";",
    "pipe-pane",
    "-O",
    "-t",
    "t",
    `cat >> ${quote(f("output.log"))}`,
  );

  let killed = false;
  const session: TmuxSession = {
    dir,
    type: async (text) => void (await tmux("send-keys", "-t", "t", "-l", "--", text)),
    sendKeys: async (...keys) => void (await tmux("send-keys", "-t", "t", ...keys)),
    screen: capture,
    waitFor: (re, timeoutMs = 5000) => poll("screen", capture, re, timeoutMs, screenChanged),
    waitForOutput: (re, timeoutMs = 5000) => poll("output log", async () => readIf("output.log"), re, timeoutMs),
    async exitCode(timeoutMs = 10_000) {
      try {
        const status = await poll("status file", async () => readIf("status"), /^\d+\n$/, timeoutMs);
        return Number(status.trim());
      } catch (err) {
        throw new Error(`${(err as Error).message}\nscreen:\n${await capture().catch(() => "(no screen)")}`);
      }
    },
    tmux: async (...args) => (await tmux(...args)).stdout,
    stty: () => ({ before: readIf("stty.before"), after: readIf("stty.after") }),
    async kill() {
      if (killed) return;
      killed = true;
      live.delete(session);
      await tmux("kill-server").catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(session);
  return session;
}

/** Kills every tmux server started by this file's tests (for afterEach). */
export async function killTmuxSessions(): Promise<void> {
  await Promise.all([...live].map((s) => s.kill()));
}

/** True when `stty -a` output shows the flag on (e.g. "echo", not "-echo"). */
export function sttyFlag(stty: string, flag: string): boolean {
  return new RegExp(`(^|\\s)${flag}(\\s|;|$)`).test(stty);
}
