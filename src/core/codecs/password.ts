// The password loop of encrypted exports; the password itself comes from the cli (helpers).
import { AuthError } from "../errors.js";
import type { CodecHelpers } from "./types.js";

const MAX_TRIES = 3;

/**
 * The password loop of an encrypted export: asks helpers.password, runs `attempt`, which
 * returns undefined for a wrong password, and asks again (at most 3 times on a terminal;
 * a password file gets one try). Throws AuthError (exit 4) after the last wrong one.
 */
export async function withPassword<T>(
  helpers: CodecHelpers,
  what: string,
  attempt: (password: string) => Promise<T | undefined> | T | undefined,
  hint?: string,
): Promise<T> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const pw = await helpers.password(what, i > 0);
    const r = await attempt(pw);
    if (r !== undefined) return r;
  }
  throw new AuthError("wrong-password", `wrong password for ${what}`, hint ? [hint] : []);
}
