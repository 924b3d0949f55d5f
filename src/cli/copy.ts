// Copying a code for `otp code --copy` and the Enter key of `otp watch`: pick the clipboard
// (io/clipboard, loaded only here), copy, and have a detached helper clear it after S seconds
// if it still holds the code. Returns the line to tell the user; it never holds the code.
import type { Clipboard } from "../io/clipboard.js";
import type { Ctx } from "./context.js";

export const DEFAULT_CLEAR_AFTER_S = 20;

const io = () => import("../io/clipboard.js");

/** The clipboard this environment offers; throws OtpError `clipboard-unavailable` (exit 1). */
export async function findClipboard(ctx: Ctx): Promise<Clipboard> {
  return (await io()).chooseClipboard(ctx.env);
}

/** Copies `code`; `what` names it ("github's code"). clearAfterS 0: never clear. */
export async function copyCode(ctx: Ctx, board: Clipboard, code: string, what: string, clearAfterS: number): Promise<string> {
  const { copyText, scheduleClear, canOpenTty } = await io();
  try {
    await copyText(board, code, ctx.env);
  } catch (err) {
    // Over SSH a display can be set yet out of reach (X forwarding gone): try the terminal.
    if (board.kind === "osc52" || !(ctx.env.SSH_TTY || ctx.env.SSH_CONNECTION) || !canOpenTty()) throw err;
    board = { kind: "osc52", tty: "/dev/tty" };
    await copyText(board, code, ctx.env);
  }
  if (board.kind === "osc52") return `copied ${what} through the terminal (OSC 52); it cannot be cleared from here`;
  if (clearAfterS <= 0) return `copied ${what} to the clipboard`;
  await scheduleClear(board, code, clearAfterS, ctx.env);
  return `copied ${what} to the clipboard; it clears in ${clearAfterS} s unless you copy something else`;
}
