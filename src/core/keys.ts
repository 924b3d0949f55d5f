// Key presses from a terminal in raw mode: one chunk of input → the keys it holds. Pure (bytes
// in, keys out), beside the raw-mode code that feeds it (io/live-terminal.ts). A chunk that is a
// lone ESC is the Escape key; an escape sequence (CSI or SS3) is one key, unknown ones dropped.
export type KeyName =
  | "up"
  | "down"
  | "left"
  | "right"
  | "pageup"
  | "pagedown"
  | "home"
  | "end"
  | "enter"
  | "escape"
  | "backspace"
  | "delete"
  | "tab"
  | "space"
  | "ctrl-c"
  | "ctrl-d"
  | "ctrl-l"
  | "ctrl-u"
  | "ctrl-w"
  | "ctrl-z"
  | "char";

export interface Key {
  name: KeyName;
  /** the character, for name "char" */
  ch?: string;
}

const CSI_KEYS: Record<string, KeyName> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  "1~": "home",
  "7~": "home",
  "4~": "end",
  "8~": "end",
  "5~": "pageup",
  "6~": "pagedown",
  "3~": "delete",
};
const CONTROL: Record<string, KeyName> = {
  "\r": "enter",
  "\n": "enter",
  "\x7f": "backspace",
  "\b": "backspace",
  "\t": "tab",
  " ": "space",
  "\x03": "ctrl-c",
  "\x04": "ctrl-d",
  "\x0c": "ctrl-l",
  "\x15": "ctrl-u",
  "\x17": "ctrl-w",
  "\x1a": "ctrl-z",
};

export function parseKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  const cs = Array.from(chunk);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c === "\x1b") {
      const next = cs[i + 1];
      if (next === undefined) {
        keys.push({ name: "escape" });
      } else if (next === "[" || next === "O") {
        // CSI: parameters 0x30–0x3f, intermediates 0x20–0x2f, one final byte 0x40–0x7e
        let j = i + 2;
        while (j < cs.length && /[\x20-\x3f]/.test(cs[j]!)) j++;
        if (j >= cs.length) break; // cut off: drop it
        const body = cs.slice(i + 2, j + 1).join("");
        // "1;5A" (with modifiers) is still an arrow
        const name = CSI_KEYS[body] ?? CSI_KEYS[body.replace(/^1;\d+/, "")];
        if (name) keys.push({ name });
        i = j;
      } else if (next === "\x1b") {
        keys.push({ name: "escape" });
      } else {
        // Esc then a key typed fast (or Alt+key, which otp does not use): Esc, then the key.
        keys.push({ name: "escape" });
      }
      continue;
    }
    const control = CONTROL[c];
    if (control) keys.push({ name: control });
    else if (c >= " " && !/[\x7f-\x9f]/.test(c)) keys.push({ name: "char", ch: c });
  }
  return keys;
}
