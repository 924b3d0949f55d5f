// Text helpers for what otp shows on a terminal: escaping names that could steer it, and
// codes grouped for reading. Pure: strings in, strings out.

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
