// `otp completion bash|zsh|fish`: prints the completion script, generated from the program.
// `otp completion --entries` (hidden; the scripts call it) prints the entry names, one a
// line, only through an unlocked session (OTP_SESSION): it never reads a password, prompts or
// runs the KDF, and on any failure prints nothing and succeeds, so a <Tab> never errors.
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { escapeForTerminal } from "../../core/text.js";
import { openData } from "../../core/vault/vault.js";
import { SHELLS, completionScript, type Shell } from "../completion.js";
import type { Ctx } from "../context.js";
import { readEnvelope } from "../vault.js";

/** program: the whole command tree, built only when a script is printed (not at each <Tab>). */
export async function run(ctx: Ctx, shell: string | undefined, opts: { entries?: boolean }, program: () => Command): Promise<void> {
  if (opts.entries) return printEntries(ctx);
  if (shell === undefined)
    throw new UsageError("usage", "name a shell: bash, zsh or fish", ["`otp completion --help` says how to install each"]);
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError("usage", `no completion for ${shell}: bash, zsh or fish`);
  ctx.write(completionScript(program(), shell as Shell));
}

async function printEntries(ctx: Ctx): Promise<void> {
  const session = ctx.env.OTP_SESSION;
  if (!session) return;
  try {
    const quiet = { ...ctx, warn: () => undefined };
    const { envelope } = await readEnvelope(quiet);
    const key = await ctx.sessions.open(session, envelope, ctx.now(), ctx.vaultPath);
    const { entries } = openData(envelope, key);
    key.fill(0);
    // A name that would need escaping could not be typed back as it is: leave it out.
    ctx.write(
      entries
        .filter((e) => escapeForTerminal(e.name) === e.name && !/\s$|^\s/.test(e.name))
        .map((e) => e.name + "\n")
        .join(""),
    );
  } catch {
    // no vault, an expired or foreign session, damage: complete nothing
  }
}
