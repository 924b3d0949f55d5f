// `otp watch [QUERY]` (and `otp` alone on a terminal): every matching entry with its code, the
// next code and a countdown, full-screen and redrawn in place. Each frame is computed from the
// wall clock at the start of the next second (a timer's count never drifts into the codes).
// Keys: type to filter, arrows move, Enter copies, Space makes an HOTP code (the counter is
// saved first, as `otp code` does), q / Esc / Ctrl-C quit. Off a terminal it refuses (exit 2).
import { NotFoundError, OtpError, UsageError } from "../../core/errors.js";
import { matchEntries } from "../../core/match.js";
import { escapeForTerminal } from "../../core/text.js";
import type { Key } from "../../core/keys.js";
import type { Ctx } from "../context.js";
import { refuseSecretQuery } from "../pick.js";
import { DEFAULT_CLEAR_AFTER_S, copyCode, findClipboard } from "../copy.js";
import { advanceHotp } from "../hotp.js";
import { initialState, paint, renderFrame, type LiveEntry, type LiveState } from "../render/live-view.js";
import { openVaultIndex, readEnvelope } from "../vault.js";
import type { VaultIndex } from "../../core/vault/payload.js";
import type { Entry } from "../../core/entry.js";
import { applyKey } from "../watch-state.js";
import { generateCode } from "../../core/otp.js";
import { openData } from "../../core/vault/vault.js";

export interface WatchOptions {
  clearAfter?: number;
}

export async function run(ctx: Ctx, query: string | undefined, opts: WatchOptions): Promise<void> {
  refuseSecretQuery(query);
  if (!ctx.stdinIsTTY || !ctx.stdoutIsTTY)
    throw new UsageError("usage", "otp watch needs a terminal", ["in scripts use `otp code QUERY`, or `otp list` for the names"]);
  // The first frame needs every name but only the shown rows' seeds: with a session and a
  // minor-3 vault, it is drawn from the index, each row opening its chunk (LazyRow). Then the
  // whole vault is opened and checked, as before, and the view goes on from it.
  const { vault, index } = await openVaultIndex(ctx);
  let all: LiveEntry[] = Array.from({ length: index.columns.length }, (_, at) => new LazyRow(index, at));
  const pick = () => (query === undefined ? all : matchEntries(all, query));
  let entries: LiveEntry[] = pick();
  if (query !== undefined && entries.length === 0)
    throw new NotFoundError("not-found", `no entry matches "${escapeForTerminal(query)}"`, [], ["`otp list` shows all entries"]);

  let state: LiveState = initialState();
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  let fail: (err: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });

  const draw = () => {
    const size = term.size();
    const frame = renderFrame(entries, state, { ...size, nowMs: ctx.now(), color: ctx.color });
    state = { ...state, scroll: frame.scroll };
    term.write(paint(frame.lines, size.width));
  };
  // Entries added, changed or removed by another otp meanwhile: re-read the vault when its file
  // changes (a stat a second), with the key we hold; a vault replaced by another is ignored.
  const fileId = () => {
    const st = ctx.files.statNow(ctx.vaultPath);
    return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : "";
  };
  let seen = fileId();
  const reload = async () => {
    const now = fileId();
    if (now === seen || now === "") return;
    seen = now;
    try {
      const { envelope } = await readEnvelope({ ...ctx, warn: () => undefined });
      if (envelope.vaultId !== vault.envelope.vaultId) return;
      vault.data = openData(envelope, vault.masterKey);
      vault.envelope = envelope;
      all = vault.data.entries;
      entries = pick();
      draw();
    } catch {
      // mid-write or damaged: keep what is shown, try again on the next change
    }
  };
  // Wake just after each whole second of the wall clock, when the countdowns change.
  const tick = () => {
    void reload();
    draw();
    timer = setTimeout(tick, 1000 - (ctx.now() % 1000) + 15);
  };
  const say = (message: string) => {
    state = { ...state, message };
    draw();
  };
  const act = async (key: Key) => {
    const { state: next, action } = applyKey(state, key, entries, term.size().height);
    state = next;
    switch (action.kind) {
      case "quit":
        return finish();
      case "suspend":
        return term.suspend();
      case "redraw":
        return redraw();
      case "copy":
        return copy(action.id);
      case "hotp":
        return hotp(action.id);
      default:
        return draw();
    }
  };
  const copy = async (id: string) => {
    const e = entries.find((x) => x.id === id);
    if (!e) return;
    const code = e.type === "hotp" ? state.hotp[id] : generateCode(e, ctx.now()).code;
    if (code === undefined) return say("press Space to make this HOTP entry's code first");
    try {
      say(
        await copyCode(
          ctx,
          await findClipboard(ctx),
          code,
          `${escapeForTerminal(e.name)}'s code`,
          opts.clearAfter ?? DEFAULT_CLEAR_AFTER_S,
        ),
      );
    } catch (err) {
      say(err instanceof OtpError ? err.message : "copying failed");
    }
  };
  const hotp = async (id: string) => {
    try {
      const used = await advanceHotp(ctx, vault, id);
      state = { ...state, hotp: { ...state.hotp, [id]: generateCode(used, ctx.now()).code } };
      all = vault.data.entries;
      entries = pick();
      say(`new code for ${escapeForTerminal(used.name)}; the counter is saved`);
    } catch (err) {
      say(err instanceof OtpError ? err.message : "could not make the code");
    }
  };

  const redraw = () => {
    term.write("\x1b[2J");
    draw();
  };
  const term = await ctx.terminal.live((k) => void act(k), redraw, redraw);
  try {
    tick();
    setImmediate(() => {
      try {
        all = vault.data.entries;
        entries = pick();
      } catch (err) {
        fail(err); // damage the index did not show: exit 5, as when it was read whole first
      }
    });
    await done;
  } finally {
    clearTimeout(timer);
    term.close();
  }
}

/** An entry of the first frame, known by its index row: the rest of it (its chunk) opens when the row is drawn. */
class LazyRow implements LiveEntry {
  readonly name: string;
  readonly issuer: string;
  readonly account: string;
  readonly type: Entry["type"];
  #full: Entry | undefined;
  constructor(
    private readonly index: VaultIndex,
    private readonly at: number,
  ) {
    ({ name: this.name, issuer: this.issuer, account: this.account, type: this.type } = index.row(at));
  }
  private get full(): Entry {
    return (this.#full ??= this.index.entry(this.at));
  }
  get id() {
    return this.full.id;
  }
  get secret() {
    return this.full.secret;
  }
  get algorithm() {
    return this.full.algorithm;
  }
  get digits() {
    return this.full.digits;
  }
  get period() {
    return this.full.period;
  }
  get counter() {
    return this.full.counter;
  }
}
