// The terminal of a full-screen view (`otp watch`): raw mode, the alternate screen and a hidden
// cursor while it runs, and everything put back exactly when it ends — on close(), on any
// process.exit (Ctrl-C, q, SIGTERM through cli/main's handler, an uncaught error), and around
// Ctrl-Z (suspend). Keys arrive parsed (core/keys.ts); resizes call back.
import { writeSync } from "node:fs";
import { parseKeys, type Key } from "../core/keys.js";

export interface LiveTerminal {
  size(): { width: number; height: number };
  /** writes a frame (synchronously: a TTY write never half-lands before an exit) */
  write(text: string): void;
  /** puts the terminal back; safe to call more than once */
  close(): void;
  /** restores the terminal, stops the process (Ctrl-Z), and re-enters on SIGCONT */
  suspend(): void;
}

// alternate screen on, cursor hidden, no auto-wrap (a full last column must not scroll), clear
const ENTER = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[H\x1b[2J";
// the reverse, in the reverse order; SGR reset first so no colour leaks into the shell
const LEAVE = "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l";

function put(text: string): void {
  try {
    writeSync(1, text);
  } catch {
    // the terminal went away (SIGHUP): nothing to restore on it
  }
}

export function openLiveTerminal(onKey: (key: Key) => void, onResize: () => void, onResume: () => void): LiveTerminal {
  const stdin = process.stdin;
  const stdout = process.stdout;
  let active = false;
  const enter = () => {
    stdin.setRawMode(true);
    put(ENTER);
    active = true;
  };
  const leave = () => {
    if (!active) return;
    active = false;
    put(LEAVE);
    try {
      stdin.setRawMode(false);
    } catch {
      // stdin already closed
    }
  };
  const onData = (chunk: string) => {
    for (const k of parseKeys(chunk)) onKey(k);
  };
  const onCont = () => {
    enter();
    onResume();
  };
  stdin.setEncoding("utf8");
  stdin.on("data", onData);
  stdout.on("resize", onResize);
  process.on("exit", leave);
  process.on("SIGCONT", onCont);
  enter();
  stdin.resume();
  return {
    size: () => ({ width: stdout.columns || 80, height: stdout.rows || 24 }),
    write: (text) => {
      if (active) put(text);
    },
    close() {
      leave();
      stdin.off("data", onData);
      stdin.pause();
      stdout.off("resize", onResize);
      process.off("exit", leave);
      process.off("SIGCONT", onCont);
    },
    suspend() {
      leave();
      process.kill(process.pid, "SIGSTOP");
    },
  };
}
