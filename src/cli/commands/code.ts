// `otp code QUERY`: the code alone off a terminal ($(otp code github)), grouped with the
// seconds left on one. HOTP: the advanced counter is on disk (fsync'd) before the code shows.
import { InputError, UsageError } from "../../core/errors.js";
import { resolveEntry } from "../../core/match.js";
import { generateCode, parseTime } from "../../core/otp.js";
import { updateEntry } from "../../core/vault/model.js";
import type { Ctx } from "../context.js";
import { codeLine } from "../render/code-line.js";
import { openVault, updateVault } from "../vault.js";

export interface CodeOptions {
  at?: string;
  json?: boolean;
}

export async function run(ctx: Ctx, query: string, opts: CodeOptions): Promise<void> {
  const at = opts.at === undefined ? undefined : parseTime(opts.at);
  const vault = await openVault(ctx);
  let entry = resolveEntry(vault.data.entries, query);
  const now = at ?? ctx.now();
  if (entry.type === "hotp") {
    if (at !== undefined) throw new UsageError("--at does not apply to an HOTP (counter) entry");
    const id = entry.id;
    // Re-resolve under the lock: the counter used is the one on disk now, never a stale one.
    entry = await updateVault(ctx, vault, (data) => {
      const current = data.entries.find((e) => e.id === id);
      if (!current) throw new UsageError(`the entry was removed meanwhile`);
      const next = (current.counter ?? 0) + 1;
      if (!Number.isSafeInteger(next)) throw new InputError("invalid-entry", "this HOTP entry's counter is at its maximum (2^53 − 1)");
      return { data: updateEntry(data, id, { counter: next }, new Date(ctx.now()).toISOString()), result: current };
    });
  }
  const { code, remainingMs, period } = generateCode(entry, now);
  if (opts.json) {
    ctx.data(JSON.stringify({
      name: entry.name, issuer: entry.issuer, account: entry.account, type: entry.type, code,
      period, remaining: remainingMs === null ? null : Math.ceil(remainingMs / 1000),
      ...(entry.type === "hotp" ? { counter: entry.counter } : {}),
    }));
  } else if (ctx.stdoutIsTTY) {
    ctx.data(codeLine(code, remainingMs, period, ctx.color));
  } else {
    ctx.data(code);
  }
}
