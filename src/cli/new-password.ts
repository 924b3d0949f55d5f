// Asking for a new password (init, passwd, a separate backup password): from a file, else twice
// at a hidden prompt on a terminal. Empty passwords and mismatches are refused (exit 2).
import { AuthError, InputError } from "../core/errors.js";
import type { Ctx } from "./context.js";
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

export async function newPassword(ctx: Ctx, src: NewPasswordSource): Promise<string> {
  let password: string;
  if (src.file) password = await readPasswordFile(ctx, src.file);
  else if (ctx.stdinIsTTY) {
    const { askSecret } = await import("../io/prompts.js");
    password = await askSecret(`New ${src.what} password:`);
    if (password !== "" && (await askSecret("Repeat the password:")) !== password)
      throw new InputError("password-mismatch", `the passwords didn't match; ${src.nothingDone}`);
  } else {
    throw new AuthError("no-password-source", `no new ${src.what} password given and no terminal to ask on`, [`pass ${src.flag} FILE`]);
  }
  if (password === "") throw new InputError("empty-password", "password can't be empty");
  return password;
}
