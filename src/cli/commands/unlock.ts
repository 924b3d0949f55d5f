// `otp unlock [--for 15m]`: prints `export OTP_SESSION=…` for `eval "$(otp unlock)"`; later
// commands in that shell open the vault without the password or the KDF. --recovery-key opens
// it with the recovery key instead (OTP_RECOVERY_KEY or a hidden prompt), e.g. to run `otp passwd`.
import { parseDuration } from "../../core/duration.js";
import { MAX_SESSION_MS } from "../../core/limits.js";
import type { Ctx } from "../context.js";
import { openVault } from "../vault.js";
import { openWithRecoveryKey } from "../recovery-key.js";

export async function run(ctx: Ctx, opts: { for: string; recoveryKey?: boolean }): Promise<void> {
  const ms = parseDuration(opts.for, MAX_SESSION_MS);
  const { envelope, masterKey } = opts.recoveryKey ? await openWithRecoveryKey(ctx) : await openVault(ctx);
  const now = ctx.now();
  const value = await ctx.sessions.create(envelope, masterKey, now + ms, now, ctx.vaultPath);
  masterKey.fill(0);
  ctx.data(`export OTP_SESSION=${value}`);
  if (ctx.stdoutIsTTY) ctx.hint('to use it, run `eval "$(otp unlock)"` instead; `otp lock` ends it');
  else ctx.info(`unlocked until ${new Date(now + ms).toISOString().replace(/\.\d+Z$/, "Z")}; \`otp lock\` ends it sooner`);
  if (opts.recoveryKey) ctx.hint("forgot the password? `otp passwd` in that shell sets a new one");
}
