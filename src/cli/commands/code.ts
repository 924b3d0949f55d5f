// `otp code QUERY`: the code alone off a terminal ($(otp code github)), grouped with the
// seconds left on one. HOTP: the advanced counter is on disk (fsync'd) before the code shows.
// --copy puts it on the clipboard instead (cleared after --clear-after S if unchanged);
// --next shows the code of the next period; --fresh N waits out a code with under N s left.
import { UsageError } from "../../core/errors.js";
import { DEFAULT_PERIOD, type Entry } from "../../core/entry.js";
import { generateCode, parseTime } from "../../core/otp.js";
import { escapeForTerminal, safeJson } from "../../core/text.js";
import type { Ctx } from "../context.js";
import { DEFAULT_CLEAR_AFTER_S, copyCode, findClipboard } from "../copy.js";
import { advanceHotp } from "../hotp.js";
import { pickFrom, refuseSecretQuery } from "../pick.js";
import { codeLine } from "../render/code-line.js";
import { openVaultIndex } from "../vault.js";

export interface CodeOptions {
  at?: string;
  json?: boolean;
  copy?: boolean;
  clearAfter?: number;
  next?: boolean;
  fresh?: number;
}

function checkOptions(opts: CodeOptions): void {
  if (opts.copy && opts.json)
    throw new UsageError("usage", "--copy and --json do not go together", ["--copy prints nothing on standard output"]);
  if (opts.clearAfter !== undefined && !opts.copy) throw new UsageError("usage", "--clear-after applies only with --copy");
  if (opts.clearAfter !== undefined && opts.clearAfter > 86_400) throw new UsageError("usage", "--clear-after is at most 86400 s (a day)");
  if (opts.next && opts.fresh !== undefined) throw new UsageError("usage", "--next and --fresh do not go together");
  if (opts.fresh !== undefined && opts.at !== undefined)
    throw new UsageError("usage", "--fresh waits for the clock; it does not go with --at");
}

export async function run(ctx: Ctx, query: string, opts: CodeOptions): Promise<void> {
  refuseSecretQuery(query);
  checkOptions(opts);
  const at = opts.at === undefined ? undefined : parseTime(opts.at);
  // The names pick the entry; only its own record is opened (a minor-3 vault with a session).
  const { vault, index } = await openVaultIndex(ctx);
  let entry = index.entry((await pickFrom(ctx, index.columns, index.row, query)).at);
  // Find the clipboard before an HOTP counter moves: no clipboard must not cost a code.
  const board = opts.copy ? await findClipboard(ctx) : undefined;
  if (entry.type === "hotp") {
    if (at !== undefined) throw new UsageError("usage", "--at does not apply to an HOTP (counter) entry");
    if (opts.next || opts.fresh !== undefined)
      throw new UsageError("usage", "--next and --fresh apply to time-based codes; every HOTP code is a new one");
    entry = await advanceHotp(ctx, vault, entry.id);
  }
  if (opts.fresh !== undefined) await waitForFresh(ctx, entry, opts.fresh);
  const now = at ?? ctx.now();
  const step = opts.next ? 1 : 0;
  const { code, remainingMs, period } = generateCode(entry, now, step);
  const name = escapeForTerminal(entry.name);
  if (board) {
    const what = opts.next ? `the next code of ${name}` : `${name}'s code`;
    ctx.info(await copyCode(ctx, board, code, what, opts.clearAfter ?? DEFAULT_CLEAR_AFTER_S));
  } else if (opts.json) {
    const remaining = remainingMs === null ? null : Math.ceil(remainingMs / 1000);
    ctx.data(
      safeJson({
        name: entry.name,
        issuer: entry.issuer,
        account: entry.account,
        type: entry.type,
        code,
        // --next: `startsIn` seconds until it is valid, `remaining` until it ends.
        period,
        remaining: opts.next && remaining !== null ? remaining + period! : remaining,
        ...(opts.next ? { startsIn: remaining } : {}),
        ...(entry.type === "hotp" ? { counter: entry.counter } : {}),
      }),
    );
  } else if (ctx.stdoutIsTTY) {
    ctx.data(opts.next && remainingMs !== null ? nextLine(code, remainingMs, ctx.color) : codeLine(code, remainingMs, period, ctx.color));
  } else {
    ctx.data(code);
  }
}

function nextLine(code: string, remainingMs: number, color: boolean): string {
  return `${codeLine(code, null, null, color)}  next code, valid in ${Math.ceil(remainingMs / 1000)}s`;
}

/** --fresh N: with under N s left of the current code, waits (counting down on stderr) for the next. */
async function waitForFresh(ctx: Ctx, entry: Entry, minLeftS: number): Promise<void> {
  const period = entry.period ?? DEFAULT_PERIOD;
  if (minLeftS >= period) throw new UsageError("usage", `--fresh must be under the entry's period (${period} s)`);
  const left = () => generateCode(entry, ctx.now()).remainingMs!;
  if (left() >= minLeftS * 1000) return;
  const tty = ctx.stderrIsTTY;
  if (!tty) ctx.info(`waiting ${Math.ceil(left() / 1000)} s for a fresh code`);
  // Each tick sleeps to the next whole second of the wall clock (no drifting timer), and the
  // step boundary is read off the clock again, so a suspended laptop still ends right.
  for (let ms = left(); ms < minLeftS * 1000 && ms > 0; ms = left()) {
    if (tty) ctx.terminal.status(`\rotp: waiting ${Math.ceil(ms / 1000)} s for a fresh code… \x1b[K`);
    await new Promise((r) => setTimeout(r, Math.min(ms, ms % 1000 || 1000) + 2));
    if (left() > ms) break; // the step rolled over
  }
  if (tty) ctx.terminal.status("\r\x1b[K");
}
