// The clipboard: a direct spawn of wl-copy (Wayland), xsel or xclip (X11) or pbcopy (macOS),
// else the OSC 52 escape sequence when over SSH with no display, else "clipboard unavailable"
// (exit 1). Rules it keeps: the text goes to the tool's standard input, never its argv; the
// tool gets our environment without OTP_* (no session or password reaches a child); clearing
// is done later by a detached helper (so the command returns at once) and only when the
// clipboard still holds our text. clipboardy is not used: it costs 60–70 ms to import and
// misreports a missing display as a missing xsel (docs/packages.md).
import { spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync, writeSync } from "node:fs";
import { delimiter, join } from "node:path";
import { programPath } from "./programs/locate.js";
import { OtpError } from "../core/errors.js";
import type { Env } from "./paths.js";

type Argv = [string, ...string[]];

/** A clipboard tool: how to copy (text on stdin), read back, and clear. */
export interface ClipboardTool {
  kind: "tool";
  name: string;
  copy: Argv;
  paste: Argv;
  /** null: clear by copying the empty string */
  clear: Argv | null;
}

export type Clipboard = ClipboardTool | { kind: "osc52"; tty: string };

const TOOLS: Record<string, Omit<ClipboardTool, "kind" | "name">> = {
  "wl-copy": { copy: ["wl-copy"], paste: ["wl-paste", "--no-newline"], clear: ["wl-copy", "--clear"] },
  xsel: { copy: ["xsel", "--clipboard", "--input"], paste: ["xsel", "--clipboard", "--output"], clear: ["xsel", "--clipboard", "--clear"] },
  xclip: { copy: ["xclip", "-selection", "clipboard", "-in"], paste: ["xclip", "-selection", "clipboard", "-out"], clear: null },
  pbcopy: { copy: ["pbcopy"], paste: ["pbpaste"], clear: null },
};

/** True when `name` is an executable file in one of PATH's folders (no spawn: ~0.1 ms). */
export function onPath(name: string, env: Env): boolean {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

const tool = (name: string): ClipboardTool => ({ kind: "tool", name, ...TOOLS[name]! });

/**
 * Which clipboard to use, first that applies: Wayland (wl-copy), X11 (xsel, then xclip),
 * macOS (pbcopy), then OSC 52 through the terminal when over SSH (SSH_TTY or SSH_CONNECTION)
 * and a terminal is there. Throws OtpError `clipboard-unavailable` (exit 1) otherwise,
 * saying what is missing. `has` and `ttyOk` are injectable for tests.
 */
export function chooseClipboard(env: Env, platform = process.platform, has = (n: string) => onPath(n, env), ttyOk = canOpenTty): Clipboard {
  const missing: string[] = [];
  if (platform === "darwin" && has("pbcopy")) return tool("pbcopy");
  if (env.WAYLAND_DISPLAY) {
    if (has("wl-copy") && has("wl-paste")) return tool("wl-copy");
    missing.push("wl-copy (Debian: wl-clipboard)");
  }
  if (env.DISPLAY) {
    if (has("xsel")) return tool("xsel");
    if (has("xclip")) return tool("xclip");
    missing.push("xsel or xclip");
  }
  const overSsh = Boolean(env.SSH_TTY || env.SSH_CONNECTION);
  if (overSsh && ttyOk()) return { kind: "osc52", tty: "/dev/tty" };
  const why = missing.length
    ? `clipboard unavailable: ${missing.join(", and ")} not installed`
    : overSsh
      ? "clipboard unavailable: over SSH without a terminal to send it through"
      : "clipboard unavailable: no display (DISPLAY or WAYLAND_DISPLAY) and not over SSH";
  throw new OtpError("clipboard-unavailable", why, [
    missing.length ? `install ${missing.join(" or ")}, or leave out --copy to print the code` : "leave out --copy to print the code",
  ]);
}

export function canOpenTty(): boolean {
  try {
    closeSync(openSync("/dev/tty", "w"));
    return true;
  } catch {
    return false;
  }
}

/** Our environment without OTP_* (sessions, passwords): what every child process gets. */
export function childEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith("OTP_")) out[k] = v;
  return out;
}

/**
 * Runs argv with `input` on its stdin; resolves with the exit status once it exits. Resolves
 * on "exit", not "close": xsel and xclip fork a child that keeps serving the selection.
 */
function runTool(argv: Argv, input: string, env: Env, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "ignore", "ignore"], env: childEnv(env), cwd: "/" });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(signal ? 128 : (code ?? 1));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

/** OSC 52 "set the clipboard" (c) with base64 text, ended by BEL; terminals and tmux (set-clipboard on) understand it. */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, "utf8").toString("base64")}\x07`;
}

/**
 * Puts text on the clipboard. Throws OtpError `clipboard-unavailable` (exit 1) when the tool
 * fails (a display that cannot be reached, say); the message never holds the text.
 */
export async function copyText(board: Clipboard, text: string, env: Env): Promise<void> {
  if (board.kind === "osc52") {
    let fd: number;
    try {
      fd = openSync(board.tty, "w");
    } catch {
      throw new OtpError("clipboard-unavailable", "clipboard unavailable: cannot open the terminal for OSC 52");
    }
    try {
      writeSync(fd, osc52(text));
    } finally {
      closeSync(fd);
    }
    return;
  }
  let status: number;
  try {
    status = await runTool(board.copy, text, env);
  } catch (err) {
    throw new OtpError(
      "clipboard-unavailable",
      `clipboard unavailable: cannot run ${board.name} (${(err as NodeJS.ErrnoException).code ?? "failed"})`,
    );
  }
  if (status !== 0)
    throw new OtpError("clipboard-unavailable", `clipboard unavailable: ${board.name} failed (exit ${status})`, [
      "check that DISPLAY or WAYLAND_DISPLAY names a running display",
    ]);
}

/** The marker in the helper's argv, so a test (or a curious user) can tell it in `ps`. */
export const CLEAR_HELPER_MARKER = "otp-clipboard-clear";

/**
 * Starts the detached helper that clears the clipboard after `seconds` if it still holds
 * `text`. Resolves once the text is in the helper's pipe; the helper outlives this process.
 * OSC 52 cannot be read back, so it is never cleared (the caller says so).
 */
export async function scheduleClear(board: ClipboardTool, text: string, seconds: number, env: Env): Promise<void> {
  const config = JSON.stringify([CLEAR_HELPER_MARKER, Math.round(seconds * 1000), board.paste, board.clear, board.copy]);
  // The helper (programs/clipboard-clearer.ts) gets the text on its standard input, never in argv.
  const child = spawn(process.execPath, [programPath("clipboard-clearer"), config], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
    env: childEnv(env),
    cwd: "/",
  });
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.stdin.on("error", reject);
    child.stdin.end(text, () => resolve());
  });
  child.unref();
}
