// The progress line of long work (an import of many files): a bar, the count and what is being
// done, cut to the terminal's width. Pure: tests check it at fixed values.
import { escapeForTerminal } from "../../core/text.js";
import { fit } from "./live-view.js";

export function progressLine(done: number, total: number, what: string, width: number): string {
  const bar = 20;
  const full = total > 0 ? Math.round((done / total) * bar) : 0;
  const head = `importing ${"█".repeat(full)}${"░".repeat(bar - full)} ${done}/${total} files`;
  const rest = width - head.length - 3;
  return rest >= 8 ? `${head}  ${fit(escapeForTerminal(what), rest).trimEnd()}` : fit(head, Math.max(1, width - 1)).trimEnd();
}
