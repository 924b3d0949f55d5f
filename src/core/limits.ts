// How much otp reads of any input, defined once. Nothing otp keeps is larger than the vault
// file (16 MiB, MAX_FILE_BYTES), so no whole input, and nothing unpacked from a container
// (a zip member, an SQLite table), needs to be larger either: past these, reading stops with
// exit 2 naming the limit, before memory and time run away.
import { InputError } from "./errors.js";
import { MAX_FILE_BYTES } from "./vault/format.js";

/** A whole input read at once: an import, an image, standard input. */
export const MAX_INPUT_BYTES = MAX_FILE_BYTES;
/** One line holding a secret, an otpauth:// URI or a password (and a list of recovery codes). */
export const LINE_MAX_BYTES = 64 * 1024;
/** What one zip member or SQLite table may unpack to. */
export const MAX_UNPACKED_BYTES = MAX_FILE_BYTES;
/**
 * Unpacked ÷ packed. Exports of secrets pack a few to one; deflate reaches ~1000:1 only on
 * runs like the zeros of a zip bomb. Checked only above RATIO_FLOOR, where it can cost.
 */
export const MAX_RATIO = 100;
const RATIO_FLOOR = 1024 * 1024;
/** Zip members: an app's backup holds a handful; each costs an object before anything is read. */
export const MAX_ZIP_MEMBERS = 1000;
/**
 * Accounts (or rows, or lines) in one import: above what the vault can hold (~50,000 at 16 MiB),
 * so it refuses only what cannot be an export, before an object is made of each.
 */
export const MAX_ENTRIES = 100_000;

/** "16 MiB", "64 KiB", "2560.0 MiB": sizes as messages name them. */
export function sizeName(bytes: number): string {
  const KiB = 1024;
  const MiB = KiB * KiB;
  if (bytes >= MiB) return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= KiB) return bytes % KiB === 0 ? `${bytes / KiB} KiB` : `${(bytes / KiB).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/**
 * Checks what a container says a part of it unpacks to (`unpacked` bytes from `packed`) before
 * anything is unpacked. `where` names the file, `what` the part ("its Accounts.txt").
 * Throws InputError `too-large` over MAX_UNPACKED_BYTES or, above 1 MiB, MAX_RATIO.
 */
export function checkUnpacked(where: string, what: string, unpacked: number, packed: number): void {
  const hint = "an authenticator's export is far smaller: the file is damaged or made to exhaust memory (a zip bomb)";
  if (unpacked > MAX_UNPACKED_BYTES)
    throw new InputError(
      "too-large",
      `${where}: ${what} would unpack to ${sizeName(unpacked)}, more than the ${sizeName(MAX_UNPACKED_BYTES)} otp unpacks`,
      [hint],
    );
  if (unpacked > RATIO_FLOOR && unpacked > packed * MAX_RATIO)
    throw new InputError(
      "too-large",
      `${where}: ${what} would unpack ${Math.floor(unpacked / Math.max(packed, 1))} times its packed size, more than the ${MAX_RATIO} times otp allows`,
      [hint],
    );
}

/** The longest an `otp unlock` session lasts. */
export const MAX_SESSION_MS = 24 * 3600 * 1000;
