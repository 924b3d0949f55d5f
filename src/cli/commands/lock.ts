// `otp lock`: ends every session of this vault file (not those of a copy elsewhere). Needs no password: it only deletes files.
import type { Ctx } from "../context.js";
import { readEnvelope } from "../vault.js";

export async function run(ctx: Ctx): Promise<void> {
  const { envelope } = await readEnvelope(ctx);
  const n = await ctx.sessions.remove(envelope.vaultId, ctx.vaultPath);
  ctx.info(n === 0 ? "no session was open" : `locked: ended ${n} session${n === 1 ? "" : "s"}`);
  if (ctx.env.OTP_SESSION) ctx.hint("you can also `unset OTP_SESSION` in this shell");
}
