// The terminal a prompt is asked on: standard input when it is one, otherwise the controlling
// terminal (/dev/tty), as ssh, gpg and sudo ask for passwords. So `echo SECRET | otp add bank
// --stdin` still asks for the vault password at the keyboard. /dev/tty is opened (O_NOCTTY) only
// when a prompt is about to be needed, never on `otp code`'s path with a password given. A
// process without a controlling terminal (cron, CI, `setsid`) has none: callers fail with exit 4.
import { closeSync, constants, openSync } from "node:fs";
import { isTerminal } from "./terminal.js";

let controlling: number | null | undefined;

/** The controlling terminal's fd, opened for reading and writing once; null when there is none. */
export function controllingTerminal(): number | null {
  if (controlling !== undefined) return controlling;
  controlling = null;
  try {
    const fd = openSync("/dev/tty", constants.O_RDWR | constants.O_NOCTTY);
    if (isTerminal(fd)) controlling = fd;
    else closeSync(fd);
  } catch {
    // ENXIO: no controlling terminal
  }
  return controlling;
}

/** Whether a prompt can be asked: standard input is a terminal, or there is a controlling terminal. */
export function canAsk(stdinIsTTY = isTerminal(0)): boolean {
  return stdinIsTTY || controllingTerminal() !== null;
}
