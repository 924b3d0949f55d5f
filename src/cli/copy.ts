// Copying a code for `otp code --copy` and the Enter key of `otp watch`: pick the clipboard
// (ctx.clipboard: io/clipboard.ts, loaded on first use), copy, and have a detached helper clear it after S seconds
// if it still holds the code. Returns the line to tell the user; it never holds the code.
import type { Clipboard, Ctx } from "./context.js";

export const DEFAULT_CLEAR_AFTER_S = 20;

/** The clipboard this environment offers; throws OtpError `clipboard-unavailable` (exit 1). */
export async function findClipboard(ctx: Ctx): Promise<Clipboard> {
  return ctx.clipboard.choose();
}

/** Copies `code`; `what` names it ("github's code"). clearAfterS 0: never clear. */
export async function copyCode(ctx: Ctx, board: Clipboard, code: string, what: string, clearAfterS: number): Promise<string> {
  try {
    await ctx.clipboard.copy(board, code);
  } catch (err) {
    // Over SSH a display can be set yet out of reach (X forwarding gone): try the terminal.
    if (board.kind === "osc52" || !(ctx.env.SSH_TTY || ctx.env.SSH_CONNECTION) || !(await ctx.clipboard.canOpenTty())) throw err;
    board = { kind: "osc52", tty: "/dev/tty" };
    await ctx.clipboard.copy(board, code);
  }
  if (board.kind === "osc52") return `copied ${what} through the terminal (OSC 52); it cannot be cleared from here`;
  if (clearAfterS <= 0) return `copied ${what} to the clipboard`;
  await ctx.clipboard.scheduleClear(board, code, clearAfterS);
  return `copied ${what} to the clipboard; it clears in ${clearAfterS} s unless you copy something else`;
}
