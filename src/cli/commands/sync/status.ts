// `otp sync status`: the repository, its remote and branch, how many commits this machine is
// ahead of and behind the remote, an uncommitted change if a commit failed, and when the last
// sync was. Fetches first (no key needed; `--offline` skips it), and a remote that cannot be
// reached is one line on stderr, the rest as of the last fetch.
import { gitReason, redactUrl, text } from "../../../core/git-output.js";
import { escapeForTerminal, safeJson } from "../../../core/text.js";
import type { Ctx } from "../../context.js";
import { REMOTE, currentBranch, gitIn, remoteUrl, revParse } from "./repo.js";
import { requireSyncRepo } from "./report.js";

export interface StatusOptions {
  json?: boolean;
  offline?: boolean;
}

export async function run(ctx: Ctx, opts: StatusOptions): Promise<void> {
  const repo = requireSyncRepo(ctx);
  const g = gitIn(ctx, repo.dir);
  const branch = await currentBranch(g, repo);
  const url = await remoteUrl(g);
  let reachable: boolean | null = null;
  if (url !== null && !opts.offline) {
    const r = await g(["fetch", "-q", "--no-tags", REMOTE, `+refs/heads/${branch}:refs/remotes/${REMOTE}/${branch}`], {
      network: true,
      allowFail: true,
    });
    reachable = r.code === 0 || /couldn't find remote ref/i.test(r.stderr);
    if (!reachable) {
      ctx.warn(`cannot reach ${redactUrl(url)} (${gitReason(r.stderr)}); ahead and behind are as of the last sync`);
    }
  }
  const tracking = url === null ? null : await revParse(g, `refs/remotes/${REMOTE}/${branch}`);
  let ahead: number | null = null,
    behind: number | null = null;
  if (tracking) {
    const [a, b] = text(await g(["rev-list", "--left-right", "--count", `HEAD...${tracking}`]))
      .split(/\s+/)
      .map(Number);
    ahead = a ?? 0;
    behind = b ?? 0;
  } else if (url !== null) {
    ahead = Number(text(await g(["rev-list", "--count", "HEAD"])));
    behind = 0;
  }
  const uncommitted = text(await g(["status", "--porcelain", "--untracked-files=no", "--", repo.name])) !== "";
  const lastSync = await g.config("otp.lastSync");
  const status = {
    repository: repo.dir,
    vault: repo.name,
    remote: url === null ? null : redactUrl(url),
    branch,
    ahead,
    behind,
    uncommitted,
    lastSync,
    reachable,
  };
  if (opts.json) return ctx.data(safeJson(status, 2));
  ctx.data(`repository  ${escapeForTerminal(repo.dir)} (${escapeForTerminal(repo.name)} on ${escapeForTerminal(branch)})`);
  ctx.data(`remote      ${status.remote === null ? "none (add one with `otp sync init REMOTE`)" : escapeForTerminal(status.remote)}`);
  if (url !== null) ctx.data(`state       ${describe(ahead!, behind!)}`);
  if (uncommitted) ctx.data("uncommitted the vault changed since the last commit (`otp sync` commits it)");
  ctx.data(`last sync   ${lastSync ? `${lastSync} (${ago(ctx.now() - Date.parse(lastSync))})` : "never"}`);
}

function describe(ahead: number, behind: number): string {
  if (ahead === 0 && behind === 0) return "in sync with the remote";
  const parts = [
    ahead ? `${ahead} commit${ahead === 1 ? "" : "s"} ahead` : "",
    behind ? `${behind} commit${behind === 1 ? "" : "s"} behind` : "",
  ].filter(Boolean);
  return `${parts.join(", ")} (run \`otp sync\`)`;
}

const UNITS: [number, string][] = [
  [86400, "day"],
  [3600, "hour"],
  [60, "minute"],
  [1, "second"],
];

/** An age in words, to the two largest units: "1 minute 30 seconds ago", "3 days 4 hours ago". */
export function ago(ms: number): string {
  if (!Number.isFinite(ms)) return "at an unknown time";
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s === 0) return "just now";
  const words = (k: number, unit: string) => `${k} ${unit}${k === 1 ? "" : "s"}`;
  const i = UNITS.findIndex(([n]) => s >= n);
  const [n, unit] = UNITS[i]!;
  const parts = [words(Math.floor(s / n), unit)];
  const smaller = UNITS[i + 1];
  if (smaller && Math.floor((s % n) / smaller[0]) > 0) parts.push(words(Math.floor((s % n) / smaller[0]), smaller[1]));
  // A clock set back since (or another machine's clock) puts the last sync in the future: say so.
  return ms >= 0 ? `${parts.join(" ")} ago` : `${parts.join(" ")} from now: the clock has been set back since`;
}
