// Text helpers for what otp shows on a terminal: escaping names that could steer it, and
// codes grouped for reading. Pure: strings in, strings out.
//
// The rule for every string that comes from a vault, an import, a backup, a file name or git
// (entry names, issuers, accounts, tags, notes, recovery codes, paths) on its way out:
// - Messages on stderr (ctx.info/warn/hint, errors, prompts, pick lists, progress) go through
//   escapeForTerminal: a control or bidi character shows as `\u{1b}`, never acts.
// - Plain data on stdout (`otp list`, `otp recovery use`, tables, `otp import`'s "added X")
//   goes through escapeForTerminal too, terminal or not: a script reading a pipe gets the bytes
//   as they are whenever they are safe, and the escaped form when they are not. For recovery
//   codes that never differs: a code with such characters is refused where codes come in
//   (recovery-codes.ts `recoveryCodeProblem`), so a valid code prints as it is.
// - JSON on stdout (--json, `otp export --format json|aegis`) goes through safeJson: JSON.stringify
//   escapes C0 controls but leaves DEL, the C1 controls, U+2028/U+2029 and the bidi controls raw,
//   so safeJson writes those as \uXXXX too. A JSON parser reads back exactly the data.
// - HTML (the emergency kit) goes through escapeHtml: markup characters as entities, and control
//   and bidi characters in their visible escaped form, so a printed page cannot be reordered.

/**
 * C0 controls, DEL, C1 controls, the Unicode bidi controls (LRE/RLE/PDF/LRO/RLO, LRI/RLI/
 * FSI/PDI, LRM/RLM, ALM) and the line/paragraph separators: anything that could move the
 * cursor, start an escape sequence or reorder the rest of the line.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Replaces control and bidi characters with `\u{…}` escapes (lower-case hex), so a name from
 * a vault or an import cannot move the cursor or reorder the line. Ordinary unicode (é, emoji,
 * CJK) is kept as it is. Never throws.
 */
export function escapeForTerminal(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** True when escapeForTerminal would leave s as it is: no control, bidi or line-separator character. */
export function isTerminalSafe(s: string): boolean {
  return !UNSAFE_ONE.test(s);
}
const UNSAFE_ONE = new RegExp(UNSAFE.source, "u");

/** What JSON.stringify leaves raw but a terminal may act on: DEL, C1, bidi controls, U+2028/9. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * JSON.stringify(value, null, indent) with every character a terminal could act on written as a
 * \uXXXX escape. Those characters can only stand inside JSON strings, so the result parses to
 * exactly `value`. Throws what JSON.stringify throws.
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML: control and bidi characters escaped as escapeForTerminal does, then & < > " ' as entities. */
export function escapeHtml(s: string): string {
  return escapeForTerminal(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Groups a code for reading: 6 → "123 456", 7 → "123 4567", 8 → "1234 5678",
 * 9 → "123 456 789", 10 → "12345 67890". Any other length (Steam's 5 included) comes back
 * unchanged. Never throws.
 */
export function groupCode(code: string): string {
  switch (code.length) {
    case 6:
      return `${code.slice(0, 3)} ${code.slice(3)}`;
    case 7:
      return `${code.slice(0, 3)} ${code.slice(3)}`;
    case 8:
      return `${code.slice(0, 4)} ${code.slice(4)}`;
    case 9:
      return `${code.slice(0, 3)} ${code.slice(3, 6)} ${code.slice(6)}`;
    case 10:
      return `${code.slice(0, 5)} ${code.slice(5)}`;
    default:
      return code;
  }
}
