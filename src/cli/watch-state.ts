// What a key does in `otp watch`: a pure step from (state, key) to the next state and the
// action for the command to carry out (quit, copy, generate an HOTP code, suspend). Rules:
// typing filters; q quits only while not filtering ("/" starts a filter that begins with q);
// Esc ends the filter, or quits when there is none; Ctrl-C and Ctrl-D always quit.
import type { Key } from "../core/keys.js";
import { filterEntries, listRows, selectedIndex, type LiveEntry, type LiveState } from "./render/live-view.js";

export type LiveAction =
  | { kind: "none" }
  | { kind: "quit" }
  | { kind: "copy"; id: string }
  | { kind: "hotp"; id: string }
  | { kind: "suspend" }
  | { kind: "redraw" };

const none: LiveAction = { kind: "none" };

export function applyKey(state: LiveState, key: Key, entries: LiveEntry[], height: number): { state: LiveState; action: LiveAction } {
  const shown = filterEntries(entries, state.filter);
  const sel = selectedIndex(shown, state);
  const selected = shown[sel];
  const s: LiveState = { ...state, message: "" };
  const select = (i: number) => ({
    state: { ...s, selectedId: shown[Math.max(0, Math.min(shown.length - 1, i))]?.id ?? null },
    action: none,
  });
  const setFilter = (filter: string, filtering = true) => ({
    state: { ...s, filter, filtering, selectedId: null, scroll: 0 },
    action: none,
  });
  const page = listRows(height);
  switch (key.name) {
    case "ctrl-c":
    case "ctrl-d":
      return { state: s, action: { kind: "quit" } };
    case "ctrl-z":
      return { state: s, action: { kind: "suspend" } };
    case "ctrl-l":
      return { state: s, action: { kind: "redraw" } };
    case "escape":
      return s.filtering || s.filter !== "" ? setFilter("", false) : { state: s, action: { kind: "quit" } };
    case "up":
      return select(sel - 1);
    case "down":
    case "tab":
      return select(sel + 1);
    case "pageup":
      return select(sel - page);
    case "pagedown":
      return select(sel + page);
    case "home":
      return select(0);
    case "end":
      return select(shown.length - 1);
    case "enter":
      return selected ? { state: s, action: { kind: "copy", id: selected.id } } : { state: s, action: none };
    case "space":
      if (selected?.type === "hotp") return { state: s, action: { kind: "hotp", id: selected.id } };
      return s.filtering ? setFilter(s.filter + " ") : { state: s, action: none };
    case "backspace":
      if (s.filter === "") return setFilter("", false);
      return setFilter(Array.from(s.filter).slice(0, -1).join(""));
    case "ctrl-u":
      return setFilter("");
    case "ctrl-w":
      return setFilter(s.filter.replace(/\S*\s*$/u, ""));
    case "char": {
      const ch = key.ch ?? "";
      if (!s.filtering && s.filter === "") {
        if (ch === "q") return { state: s, action: { kind: "quit" } };
        if (ch === "/") return setFilter("");
      }
      return setFilter(s.filter + ch);
    }
    default:
      return { state: s, action: none };
  }
}
