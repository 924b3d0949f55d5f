// Asking for a new password (init, passwd, a separate backup password): from a file, else at a
// hidden prompt on a terminal. Every new password is judged (password-strength.ts): a weak one
// typed at the prompt needs a yes to "use it anyway?" (no: asked for another), and an empty one
// is asked again; a weak one from a file or the environment is kept with a warning, since no one
// is there to answer. Mismatched repeats are refused (exit 2).
import { AuthError, InputError } from "../core/errors.js";
import type { Ctx } from "./context.js";
import { MIN_SCORE, passwordStrength } from "./password-strength.js";
import { readPasswordFile } from "./vault.js";

export interface NewPasswordSource {
  /** a file whose first line is the password (`-`: standard input) */
  file?: string;
  /** what it is for, in the prompts: "vault", "backup" */
  what: string;
  /** the flag to name when there is no terminal */
  flag: string;
  /** what did not happen when they do not match: "no vault was created" */
  nothingDone: string;
}

/** Empty or declined answers before the prompt gives up (exit 2). */
const ROUNDS = 3;

export async function newPassword(ctx: Ctx, src: NewPasswordSource): Promise<string> {
  if (src.file) {
    const password = await readPasswordFile(ctx, src.file);
    await warnIfWeak(ctx, password, src.what);
    return password;
  }
  if (!ctx.canPrompt())
    throw new AuthError("no-password-source", `no new ${src.what} password given and no terminal to ask on`, [`pass ${src.flag} FILE`]);
  for (let round = 1; ; round++) {
    const last = round >= ROUNDS;
    const password = await ctx.prompts.secret(`New ${src.what} password:`);
    if (password === "") {
      if (last) throw new InputError("empty-password", `password can't be empty; ${src.nothingDone}`);
      ctx.warn("the password can't be empty; type one");
      continue;
    }
    const weak = await weakness(ctx, password, src.what);
    if (weak) {
      ctx.warn(weak);
      if (!(await ctx.prompts.confirm("Use this weak password anyway?", false))) {
        if (last) throw new InputError("weak-password", `no password chosen; ${src.nothingDone}`, [STRONGER]);
        ctx.info(`choose another one: ${STRONGER}`);
        continue;
      }
    }
    if ((await ctx.prompts.secret("Repeat the password:")) !== password)
      throw new InputError("password-mismatch", `the passwords didn't match; ${src.nothingDone}`);
    return password;
  }
}

const STRONGER = "four or more random words, or 12 or more random characters, are hard to guess";

/**
 * Warns (and goes on) when a new password that came from a file or the environment is weak:
 * no one is at a terminal to confirm it. `what`: "vault", "backup". For init's OTP_PASSWORD too.
 */
export async function warnIfWeak(ctx: Ctx, password: string, what: string): Promise<void> {
  const weak = await weakness(ctx, password, what);
  if (!weak) return;
  ctx.warn(weak);
  ctx.hint(
    `anyone with a copy of the ${what === "vault" ? "vault file" : `${what} file`} could guess it: ${STRONGER}${what === "vault" ? " (`otp passwd` changes it)" : ""}`,
  );
}

/** The warning for a weak password, or null. Never quotes the password. */
async function weakness(ctx: Ctx, password: string, what: string): Promise<string | null> {
  let s;
  try {
    s = await passwordStrength(password, [ctx.env.USER ?? "", ctx.env.LOGNAME ?? ""].filter(Boolean));
  } catch {
    // A broken install must not stop anyone from setting a password; say the check did not run.
    ctx.warn("could not judge how strong the password is (the password checker did not load)");
    return null;
  }
  if (s.score >= MIN_SCORE) return null;
  return `the new ${what} password is weak${s.reason ? `: ${s.reason}` : ""} (strength ${s.score} of 4; otp asks for ${MIN_SCORE} or more)`;
}
