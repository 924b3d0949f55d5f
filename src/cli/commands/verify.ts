// `otp verify QUERY CODE [--window N]`: the site's check of a code the user typed. Exit 0 when
// it is valid, 1 when not (a script's `if otp verify …`). TOTP/Steam: the current step or up to
// N steps either side (clock drift, a code typed as it changed; default 1, as RFC 6238 §5.2
// suggests), skipping any before 1970. HOTP: the counter or up to N ahead (RFC 4226 §7.4
// look-ahead, default 10); a match moves the vault's counter past it (resynchronised), so no
// code is accepted twice.
import { OtpError, UsageError } from "../../core/errors.js";
import { pickEntry, refuseSecretQuery } from "../pick.js";
import { generateCode, parseTime, stepAt } from "../../core/otp.js";
import { counterAfter, MAX_COUNTER } from "../../core/entry.js";
import { escapeForTerminal } from "../../core/text.js";
import { equalSecret } from "../../core/vault/crypto.js";
import { updateEntry } from "../../core/vault/model.js";
import type { Ctx } from "../context.js";
import { openVault, updateVault } from "../vault.js";

export interface VerifyOptions {
  window?: number;
  at?: string;
}

const MAX_WINDOW = 1000;

export async function run(ctx: Ctx, query: string, code: string, opts: VerifyOptions): Promise<void> {
  refuseSecretQuery(query);
  if (opts.window !== undefined && opts.window > MAX_WINDOW) throw new UsageError("usage", `--window is at most ${MAX_WINDOW}`);
  const at = opts.at === undefined ? undefined : parseTime(opts.at);
  const typed = code.replace(/[\s-]/g, "").toUpperCase();
  const vault = await openVault(ctx);
  const entry = await pickEntry(ctx, vault.data.entries, query);
  const name = escapeForTerminal(entry.name);
  if (entry.type === "hotp") {
    if (at !== undefined) throw new UsageError("usage", "--at does not apply to an HOTP (counter) entry");
    const window = opts.window ?? 10;
    // Matched under the vault lock against the counter as it is now, so two checks of one code cannot both pass.
    const used = await updateVault(ctx, vault, (data) => {
      const current = data.entries.find((e) => e.id === entry.id) ?? entry;
      const start = current.counter ?? 0;
      counterAfter(start); // an entry at the maximum has no code left to match
      // The look-ahead stops where a match could not move the counter past it (MAX_COUNTER).
      for (let k = 0; k <= window && start + k < MAX_COUNTER; k++) {
        const { code: expected, counter } = generateCode(current, 0, k);
        if (same(expected, typed))
          return {
            data: updateEntry(data, entry.id, { counter: counterAfter(counter!) }, new Date(ctx.now()).toISOString()),
            result: counter!,
          };
      }
      throw rejected(name, `at counter ${current.counter ?? 0} or up to ${window} ahead`);
    });
    ctx.info(`valid: ${name}'s code for counter ${used}; the counter is now ${used + 1}`);
    return;
  }
  const window = opts.window ?? 1;
  const now = at ?? ctx.now();
  // Near 1970 the window has no steps before 0: those are skipped, not an error.
  const first = -stepAt(entry, now);
  for (const k of offsets(window).filter((k) => k >= first)) {
    if (same(generateCode(entry, now, k).code, typed)) {
      ctx.info(
        `valid: ${name}'s code ${k === 0 ? "for now" : `${Math.abs(k)} ${Math.abs(k) === 1 ? "step" : "steps"} ${k < 0 ? "ago" : "ahead"}`}`,
      );
      return;
    }
  }
  throw rejected(
    name,
    window === 0 ? "now" : `now or within ${window} ${window === 1 ? "step" : "steps"} (${window * (entry.period ?? 30)} s)`,
  );
}

/** 0, -1, 1, -2, 2, …: the likeliest steps first. */
function offsets(window: number): number[] {
  const out = [0];
  for (let k = 1; k <= window; k++) out.push(-k, k);
  return out;
}

function same(expected: string, typed: string): boolean {
  return equalSecret(Buffer.from(expected), Buffer.from(typed));
}

function rejected(name: string, when: string): OtpError {
  return new OtpError("verify-failed", `code rejected: not ${name}'s code ${when}`);
}
