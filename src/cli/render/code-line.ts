// The line `otp code` prints on a terminal: the code grouped for reading, seconds left and
// a small bar that empties as the period runs out. Pure: tests snapshot it at a fixed time.
import { groupCode } from "../../core/text.js";

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function codeLine(code: string, remainingMs: number | null, periodS: number | null, color: boolean): string {
  const shown = paint(color, "1", groupCode(code));
  if (remainingMs === null || periodS === null) return shown;
  const left = Math.ceil(remainingMs / 1000);
  const width = 10;
  const full = Math.max(0, Math.min(width, Math.round((remainingMs / (periodS * 1000)) * width)));
  const tone = left <= 5 ? "31" : left <= 10 ? "33" : "32";
  const bar = paint(color, tone, "█".repeat(full)) + paint(color, "2", "░".repeat(width - full));
  return `${shown}  ${bar} ${left}s left`;
}
