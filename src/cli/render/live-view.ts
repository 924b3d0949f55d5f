// The frames of `otp watch`: pure functions of (entries, view state, screen size, time), so
// tests render them at a fixed clock. Codes come from core/otp at `nowMs`, never from a
// timer's count. A frame is exactly `height` lines, none wider than `width` cells; names are
// escaped (a name cannot steer the terminal) and cut with "…" to fit, but only once the less
// useful columns have gone (columns()).
import type { Entry } from "../../core/entry.js";
import { generateCode } from "../../core/otp.js";
import { escapeForTerminal, groupCode } from "../../core/text.js";

export type LiveEntry = Pick<
  Entry,
  "id" | "name" | "issuer" | "account" | "type" | "secret" | "algorithm" | "digits" | "period" | "counter"
>;

export interface LiveState {
  /** what the user typed to narrow the list */
  filter: string;
  /** typing goes to the filter (after "/" or a first letter) rather than being a command key */
  filtering: boolean;
  /** the selected entry; null or gone: the first one shown */
  selectedId: string | null;
  /** index of the first row shown (kept so the selection stays in view) */
  scroll: number;
  /** HOTP codes generated in this view (Space), by entry id */
  hotp: Record<string, string>;
  /** the status line's text, e.g. "copied github's code" */
  message: string;
}

export interface Screen {
  width: number;
  height: number;
  nowMs: number;
  color: boolean;
}

export const initialState = (): LiveState => ({ filter: "", filtering: false, selectedId: null, scroll: 0, hotp: {}, message: "" });

/** Rows above and below the list: the filter line and a rule; the status line. */
const CHROME = 3;
export const listRows = (height: number) => Math.max(1, height - CHROME);

const fold = (s: string) => s.normalize("NFC").toLowerCase();

function subsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (const c of hay) if (c === needle[i]) i++;
  return i === needle.length;
}

/**
 * The entries the filter keeps, in vault order: those whose name or issuer:account contains
 * it; if none does, those that hold its letters in order (`gh` → GitHub). Narrowing, unlike
 * a QUERY: an exact name does not hide the entries that merely contain it.
 */
export function filterEntries<T extends Pick<Entry, "name" | "issuer" | "account">>(entries: T[], filter: string): T[] {
  const q = fold(filter.trim());
  if (q === "") return entries;
  const keys = entries.map((e) => [fold(e.name), fold(`${e.issuer}:${e.account}`)] as const);
  const sub = entries.filter((_, i) => keys[i]![0].includes(q) || keys[i]![1].includes(q));
  if (sub.length > 0) return sub;
  const letters = Array.from(q);
  return entries.filter((_, i) => subsequence(letters.join(""), keys[i]![0]) || subsequence(letters.join(""), keys[i]![1]));
}

/** Index of the selected entry among `shown` (0 when none is selected or it is gone). */
export function selectedIndex(shown: LiveEntry[], state: LiveState): number {
  const i = state.selectedId === null ? -1 : shown.findIndex((e) => e.id === state.selectedId);
  return i < 0 ? 0 : i;
}

/** The scroll offset that keeps row `selected` in a window of `rows`, moving as little as possible. */
export function scrollFor(selected: number, scroll: number, rows: number, total: number): number {
  let s = Math.min(scroll, Math.max(0, total - rows));
  if (selected < s) s = selected;
  if (selected >= s + rows) s = selected - rows + 1;
  return Math.max(0, s);
}

// ---- cells: East Asian wide characters and most emoji take two columns ----

const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO = /[\u0300-\u036f\u200b-\u200d\ufe00-\ufe0f]/u;

export function cellWidth(s: string): number {
  let w = 0;
  for (const c of s) w += ZERO.test(c) ? 0 : WIDE.test(c) ? 2 : 1;
  return w;
}

/** s cut to `width` cells (ending in "…" when cut) and padded with spaces to exactly `width`. */
export function fit(s: string, width: number): string {
  if (width <= 0) return "";
  if (cellWidth(s) <= width) return s + " ".repeat(width - cellWidth(s));
  let out = "";
  let w = 0;
  for (const c of s) {
    const cw = ZERO.test(c) ? 0 : WIDE.test(c) ? 2 : 1;
    if (w + cw > width - 1) break;
    out += c;
    w += cw;
  }
  return out + "…" + " ".repeat(width - 1 - w);
}

const sgr = (on: boolean, code: string, s: string) => (on && s !== "" ? `\x1b[${code}m${s}\x1b[0m` : s);

export interface Columns {
  name: number;
  /** issuer · account; 0: not shown */
  who: number;
  code: number;
  /** "next 123 456"; 0: not shown */
  next: number;
  /** the countdown column: the bar, a space, the seconds */
  bar: number;
  /** the bar's length in blocks */
  blocks: number;
}

const BAR = 10;
const MIN_BAR = 3;
/** A name is "whole" up to this many cells; longer ones are cut before the other columns go. */
const NAME_CAP = 24;
/** The issuer · account column is cut to no less than this, and not shown when all of them are shorter than SHORT_WHO. */
const MIN_WHO = 10;
const SHORT_WHO = 6;
const HOTP_HINT = "Space: new code";

/**
 * How wide each column is on a screen `width` cells wide. What matters least goes first: the
 * next code, then issuer · account, then the bar's length (down to 3 blocks); only then are
 * names cut. Room left over widens names to their full length, then issuer · account.
 */
export function columns(shown: LiveEntry[], width: number): Columns {
  const code = Math.max(7, ...shown.map((e) => groupCode("0".repeat(e.type === "steam" ? 5 : e.digits)).length));
  const secs = Math.max(2, ...shown.map((e) => String(e.period ?? 30).length)) + 1;
  const barWidth = (blocks: number) => Math.max(blocks + 1 + secs, blocks === BAR ? HOTP_HINT.length : 0);
  const next = code + 5; // "next " + code
  const nameWant = Math.max(4, ...shown.map((e) => cellWidth(escapeForTerminal(e.name))));
  const whoWant = Math.max(0, ...shown.map((e) => cellWidth(who(e))));
  const nameNeed = Math.min(nameWant, NAME_CAP);
  // marker 2 + name [+ 2 + who] + 2 + code [+ 2 + next] + 2 + bar
  const used = (c: Omit<Columns, "code">) => 2 + c.name + (c.who > 0 ? 2 + c.who : 0) + 2 + code + (c.next > 0 ? 2 + next : 0) + 2 + c.bar;
  const whoMin = whoWant < SHORT_WHO ? 0 : Math.min(whoWant, MIN_WHO);
  const tries: Omit<Columns, "code">[] = [
    { name: nameNeed, who: whoMin, next, bar: barWidth(BAR), blocks: BAR },
    { name: nameNeed, who: whoMin, next: 0, bar: barWidth(BAR), blocks: BAR },
    ...Array.from({ length: BAR - MIN_BAR + 1 }, (_, i) => ({ name: nameNeed, who: 0, next: 0, bar: barWidth(BAR - i), blocks: BAR - i })),
  ];
  const fits = tries.find((c) => used(c) <= width);
  if (!fits) {
    // Names are cut last, and the bar keeps 3 blocks while a name has 4 cells or more.
    const blocks = width - used({ name: 4, who: 0, next: 0, bar: barWidth(MIN_BAR), blocks: MIN_BAR }) >= 0 ? MIN_BAR : 0;
    const c = { name: 0, who: 0, next: 0, bar: barWidth(blocks), blocks };
    return { ...c, code, name: Math.max(1, Math.min(nameWant, width - used(c))) };
  }
  let spare = width - used(fits);
  const name = fits.name + Math.min(spare, nameWant - fits.name);
  spare -= name - fits.name;
  return { ...fits, code, name, who: fits.who > 0 ? fits.who + Math.min(spare, whoWant - fits.who) : 0 };
}

const who = (e: LiveEntry) => escapeForTerminal([e.issuer, e.account].filter(Boolean).join(" · "));

function barText(remainingMs: number, periodS: number, color: boolean, cols: Columns): string {
  const left = Math.ceil(remainingMs / 1000);
  const secs = `${left}s`.padStart(cols.bar - cols.blocks - (cols.blocks > 0 ? 1 : 0));
  if (cols.blocks === 0) return secs;
  const full = Math.max(0, Math.min(cols.blocks, Math.round((remainingMs / (periodS * 1000)) * cols.blocks)));
  const tone = left <= 5 ? "31" : left <= 10 ? "33" : "32";
  return sgr(color, tone, "█".repeat(full)) + sgr(color, "2", "░".repeat(cols.blocks - full)) + " " + secs;
}

/** An HOTP row's countdown column: how to make a code, or the counter the shown one used. */
function hotpText(code: string | undefined, counter: number, width: number): string {
  if (code === undefined) return fit(width >= HOTP_HINT.length ? HOTP_HINT : "Space", width);
  return fit(width >= `counter ${counter}`.length ? `counter ${counter}` : `#${counter}`, width);
}

function row(e: LiveEntry, selected: boolean, cols: Columns, state: LiveState, screen: Screen): string {
  const c = screen.color;
  const parts: string[] = [selected ? "› " : "  ", fit(escapeForTerminal(e.name), cols.name)];
  if (cols.who > 0) parts.push("  ", sgr(c, "2", fit(who(e), cols.who)));
  let countdown: string;
  if (e.type === "hotp") {
    const code = state.hotp[e.id];
    parts.push(
      "  ",
      code === undefined ? fit("·".repeat(3) + " " + "·".repeat(3), cols.code) : sgr(c, "1", fit(groupCode(code), cols.code)),
    );
    if (cols.next > 0) parts.push("  ", " ".repeat(cols.next));
    countdown = sgr(c, "2", hotpText(code, (e.counter ?? 0) - 1, cols.bar));
  } else {
    const now = generateCode(e, screen.nowMs);
    parts.push("  ", sgr(c, "1", fit(groupCode(now.code), cols.code)));
    if (cols.next > 0) parts.push("  ", sgr(c, "2", fit(`next ${groupCode(generateCode(e, screen.nowMs, 1).code)}`, cols.next)));
    countdown = barText(now.remainingMs!, now.period!, c, cols);
  }
  parts.push("  ");
  const head = parts.join("");
  // The selection is reverse video up to the countdown, which keeps its own colours: reversed,
  // the filled part of the bar would turn dark and the empty part light.
  return selected && c ? `\x1b[7m${head.replace(/\x1b\[0m/g, "\x1b[0;7m")}\x1b[0m${countdown}` : head + countdown;
}

function filterLine(state: LiveState, shown: number, total: number, screen: Screen): string {
  const count = `${shown} of ${total}`;
  const left = state.filtering || state.filter !== "" ? `Filter: ${escapeForTerminal(state.filter)}▏` : "Type to filter";
  const room = screen.width - cellWidth(count) - 1;
  return sgr(screen.color, "1", fit(left, room)) + " " + sgr(screen.color, "2", count);
}

function statusLine(state: LiveState, selected: number, shown: number, screen: Screen): string {
  const keys = state.filtering ? "↑↓ move  Enter copy  Esc done" : "↑↓ move  Enter copy  Space HOTP  / filter  q quit";
  const text = state.message || keys;
  const pos = shown > 0 ? `${selected + 1}/${shown}` : "";
  const room = screen.width - cellWidth(pos) - 1;
  return sgr(screen.color, state.message ? "1" : "2", fit(escapeForTerminal(text), room)) + " " + pos;
}

/**
 * One frame: `height` lines (filter line, rule, list, status line) of at most `width` cells.
 * Returns the lines and the scroll offset used (store it in the state for the next frame).
 */
export function renderFrame(entries: LiveEntry[], state: LiveState, screen: Screen): { lines: string[]; scroll: number } {
  const { width, height } = screen;
  if (width < 30 || height < 4)
    return { lines: [fit("terminal too small", Math.max(0, width)), ...Array<string>(Math.max(0, height - 1)).fill("")], scroll: 0 };
  const shown = filterEntries(entries, state.filter);
  const rows = listRows(height);
  const sel = selectedIndex(shown, state);
  const scroll = scrollFor(sel, state.scroll, rows, shown.length);
  const cols = columns(shown.slice(scroll, scroll + rows), width);
  const lines = [filterLine(state, shown.length, entries.length, screen), sgr(screen.color, "2", "─".repeat(width))];
  for (let i = 0; i < rows; i++) {
    const e = shown[scroll + i];
    if (e) lines.push(row(e, scroll + i === sel, cols, state, screen));
    else if (i === 0)
      lines.push(
        fit(
          entries.length === 0
            ? "  the vault is empty: add an entry with `otp add`"
            : `  no entry matches "${escapeForTerminal(state.filter)}"`,
          width,
        ),
      );
    else lines.push("");
  }
  lines.push(statusLine(state, sel, shown.length, screen));
  return { lines, scroll };
}

/**
 * The escape sequences that paint `lines` over the previous frame, each line cleared to its end.
 * A full-width line gets no erase: with auto-wrap off the cursor stays on the last column, and
 * an erase there would wipe its last character.
 */
export function paint(lines: string[], width: number): string {
  const erase = (l: string) => (cellWidth(l.replace(/\x1b\[[0-9;]*m/g, "")) < width ? "\x1b[K" : "");
  return lines.map((l, i) => `\x1b[${i + 1};1H${l}${erase(l)}`).join("");
}
