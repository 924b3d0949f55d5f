// The progress line of long work (an import of many files): a bar, the count and what is being
// done, cut to the terminal's width. Pure: tests check it at fixed values.
import { escapeForTerminal } from "../../core/text.js";

/** s cut to `width` characters, with "…" when cut (file names are mostly narrow characters). */
const cut = (s: string, width: number) => ([...s].length <= width ? s : [...s].slice(0, width - 1).join("") + "…");

export function progressLine(done: number, total: number, what: string, width: number): string {
  const bar = 20;
  const full = total > 0 ? Math.round((done / total) * bar) : 0;
  const head = `importing ${"█".repeat(full)}${"░".repeat(bar - full)} ${done}/${total} files`;
  const rest = width - head.length - 3;
  return rest >= 8 ? `${head}  ${cut(escapeForTerminal(what), rest)}` : cut(head, Math.max(1, width - 1));
}
