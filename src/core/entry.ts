// The vault's entry model: what one seed and its settings look like, and the checks every
// entry passes before it is stored. Pure: timestamps and ids come in as arguments.
import { InputError } from "./errors.js";

export type OtpType = "totp" | "hotp" | "steam";
export type Algorithm = "SHA1" | "SHA256" | "SHA512";

export interface RecoveryCode {
  code: string;
  usedAt: string | null;
}

/**
 * The fields every source gives (URI, flags, prompt, import line), a draft and a stored entry
 * alike: the seed and how its codes are made. `secret` is normalised base32 (upper case, no
 * spaces, no padding). TOTP and Steam have `period`; HOTP has `counter`.
 */
interface SeedFields {
  issuer: string;
  account: string;
  type: OtpType;
  secret: string;
  algorithm: Algorithm;
  digits: number;
  period?: number;
  counter?: number;
}

/** The labels a draft may leave out and a stored entry always has (the vault fills them in). */
interface LabelFields {
  name: string;
  tags: string[];
  notes: string;
}

/** What a source gives before the vault assigns id and times. */
export interface EntryDraft extends SeedFields, Partial<LabelFields> {}

/**
 * One entry as stored inside the vault's encrypted `data`: a draft's fields, all labels, and
 * what the vault adds. Unknown fields written by a newer otp are kept as they are (the index
 * signature).
 */
export interface Entry extends SeedFields, LabelFields {
  id: string;
  recoveryCodes: RecoveryCode[];
  createdAt: string;
  updatedAt: string;
  [unknown: string]: unknown;
}

/** Steam Guard codes: 5 characters, 30 s, SHA1, by definition. */
export const STEAM_DIGITS = 5;
export const DEFAULT_PERIOD = 30;
export const MIN_DIGITS = 6;
export const MAX_DIGITS = 10;
export const MAX_PERIOD = 2 ** 31 - 1;
/**
 * The largest HOTP counter a vault holds: 2^53 − 1, the largest integer a JS number keeps
 * exact, and otpauth's codes are exact up to it (test/unit/core/otp.test.ts). Every door
 * (add, edit, new, import, restore, sync) refuses more with exit 2. A counter is the next one
 * to use and using it stores counter + 1, so codes are made (and verify looks ahead) only
 * below it: an entry at MAX_COUNTER has no code left (counterAfter).
 */
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;
export const COUNTER_RANGE = "0 to 2^53 − 1";

/**
 * The counter an HOTP entry moves to once the code for `counter` is used. Throws InputError
 * `counter-exhausted` (exit 2) when that would pass MAX_COUNTER: nothing is made or written.
 */
export function counterAfter(counter: number): number {
  if (!Number.isSafeInteger(counter) || counter < 0 || counter >= MAX_COUNTER)
    throw new InputError(
      "counter-exhausted",
      `the HOTP counter ${counter} is at its maximum: no code can be used past ${MAX_COUNTER - 1}`,
      ["give the entry a new secret at the site, and `otp add` it"],
    );
  return counter + 1;
}

/**
 * Checks a draft's numbers and type, filling defaults (period 30 for TOTP, counter 0 for
 * HOTP, Steam's fixed parameters). Throws InputError (kind `invalid-entry`) with a one-line
 * reason. Does not check the secret: base32.ts does that.
 */
export function checkDraft(d: EntryDraft): EntryDraft {
  const out: EntryDraft = { ...d };
  if (d.type === "steam") {
    out.digits = STEAM_DIGITS;
    out.algorithm = "SHA1";
    out.period = d.period ?? DEFAULT_PERIOD;
    delete out.counter;
  } else if (d.type === "totp") {
    if (!Number.isInteger(d.digits) || d.digits < MIN_DIGITS || d.digits > MAX_DIGITS)
      throw new InputError("invalid-entry", `digits must be a whole number from ${MIN_DIGITS} to ${MAX_DIGITS}, not ${d.digits}`);
    const period = d.period ?? DEFAULT_PERIOD;
    if (!Number.isInteger(period) || period < 1 || period > MAX_PERIOD)
      throw new InputError("invalid-entry", `period must be a whole number of seconds from 1 to ${MAX_PERIOD}, not ${d.period}`);
    out.period = period;
    delete out.counter;
  } else if (d.type === "hotp") {
    if (!Number.isInteger(d.digits) || d.digits < MIN_DIGITS || d.digits > MAX_DIGITS)
      throw new InputError("invalid-entry", `digits must be a whole number from ${MIN_DIGITS} to ${MAX_DIGITS}, not ${d.digits}`);
    const counter = d.counter ?? 0;
    if (!Number.isSafeInteger(counter) || counter < 0 || counter > MAX_COUNTER)
      throw new InputError("invalid-entry", `counter must be a whole number from ${COUNTER_RANGE}`);
    out.counter = counter;
    delete out.period;
  } else {
    throw new InputError("invalid-entry", `type must be totp, hotp or steam`);
  }
  if (!["SHA1", "SHA256", "SHA512"].includes(out.algorithm))
    throw new InputError("invalid-entry", `algorithm must be SHA1, SHA256 or SHA512`);
  return out;
}
