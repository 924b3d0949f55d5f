// A progress bar on standard error for imports of many files: drawn in place on a terminal
// only (never into a log or a pipe), and cleared before anything else is written.
import type { Ctx } from "./context.js";
import { progressLine } from "./render/progress.js";

/** Files from which an import shows its progress. */
export const PROGRESS_MIN_FILES = 5;

export interface Progress {
  /** `done` of the total are finished; `what` is the one being read now */
  update(done: number, what: string): void;
  /** wipes the line (before a prompt, a warning, or at the end) */
  clear(): void;
}

const silent: Progress = { update: () => undefined, clear: () => undefined };
let active: Progress = silent;

/** Wipes whatever progress line is shown: cli/main calls it before printing an error. */
export function clearProgress(): void {
  active.clear();
}

export function startProgress(ctx: Ctx, total: number): Progress {
  if (total < PROGRESS_MIN_FILES || !ctx.stderrIsTTY) return silent;
  let shown = false;
  const width = () => ctx.terminal.errColumns();
  active = {
    update(done, what) {
      ctx.terminal.status(`\r${progressLine(done, total, what, width())}\x1b[K`);
      shown = true;
    },
    clear() {
      if (shown) ctx.terminal.status("\r\x1b[K");
      shown = false;
    },
  };
  return active;
}
