// One sync with the remote: fetch, then under the vault's lock commit anything left
// uncommitted and bring in the remote's commits (fast-forward, or a merge entry by entry with
// the key already in hand), then push; a push that lost a race fetches and merges again.
// Before the local vault changes, the remote's copy must parse, be the same vault and open
// with this key: a damaged, foreign or unreachable remote leaves the vault byte for byte as it
// was, and nothing is pushed.
import { OtpError, VaultDamagedError } from "../../core/errors.js";
import { changeSummary, commitMessage, entryChanges, type EntryChanges } from "../../core/vault/changes.js";
import { equalBytes, parseEnvelope, type Envelope } from "../../core/vault/format.js";
import { mergeVaults, type VaultCopy } from "../../core/vault/merge.js";
import type { VaultData } from "../../core/vault/model.js";
import { openData, sealAndVerify } from "../../core/vault/vault.js";
import { GitError, gitReason, redactUrl, text } from "../../io/git.js";
import type { Ctx } from "../context.js";
import { underVaultLock, type OpenedVault } from "../vault.js";
import { commitVaultFile, currentBranch, gitIn, isAncestor, remoteUrl, revParse, vaultAt, REMOTE, type Git } from "./repo.js";
import type { SyncRepo } from "./where.js";

export interface SyncResult {
  /** what the remote brought: none, a fast-forward or a merge */
  pulled: "none" | "fast-forward" | "merge";
  pushed: boolean;
  /** how this machine's entries changed */
  changes: EntryChanges;
  remote: string;
  branch: string;
  /** the vault's data as it is now */
  data: VaultData;
}

const ATTEMPTS = 3;
const short = (id: string) => id.slice(0, 8) + "…";

export async function syncWithRemote(ctx: Ctx, repo: SyncRepo, opened: OpenedVault): Promise<SyncResult> {
  const g = gitIn(ctx, repo.dir);
  const branch = await currentBranch(g, repo);
  const url = await remoteUrl(g);
  if (url === null) throw new OtpError("no-remote", `the sync repository ${repo.dir} has no remote`, [`give it one: \`otp sync init REMOTE\` (a bare repository, an ssh or https URL)`]);
  const where = redactUrl(url);
  const total: EntryChanges = { added: [], removed: [], changed: [] };
  let pulled: SyncResult["pulled"] = "none";
  for (let attempt = 1; ; attempt++) {
    const fetched = await g(["fetch", "-q", "--no-tags", REMOTE, `+refs/heads/${branch}:refs/remotes/${REMOTE}/${branch}`], { network: true, allowFail: true });
    if (fetched.code !== 0 && !/couldn't find remote ref/i.test(fetched.stderr))
      throw unreachable(`cannot fetch from ${where}`, fetched.stderr, [
        `check the network and the remote's address (\`git -C ${repo.dir} remote -v\`); ${attempt === 1 ? "the vault here is unchanged" : "the vault here has the merge, and `otp sync` pushes it later"}`,
      ]);
    const theirs = fetched.code === 0 ? await revParse(g, `refs/remotes/${REMOTE}/${branch}`) : null;
    const step = await underVaultLock(ctx, (file, write) => integrate(ctx, g, repo, opened, file.bytes, write, theirs));
    if (step.pulled !== "none") pulled = pulled === "merge" || step.pulled === "merge" ? "merge" : "fast-forward";
    total.added.push(...step.changes.added);
    total.removed.push(...step.changes.removed);
    total.changed.push(...step.changes.changed);
    const done = (pushed: boolean): SyncResult => ({ pulled, pushed, changes: total, remote: where, branch, data: step.data });
    if (!step.push) return done(false);
    const pushed = await g(["push", "--porcelain", "-u", REMOTE, `refs/heads/${branch}:refs/heads/${branch}`], { network: true, allowFail: true });
    if (pushed.code === 0) return done(true);
    const lostRace = /\[rejected\]|\(fetch first\)|non-fast-forward/.test(text(pushed) + pushed.stderr);
    if (!lostRace) {
      // --porcelain says why in a line of its own: "!\t<refs>\t[remote rejected] (pre-receive hook declined)".
      const why = /^!\t\S+\t\[([^\]]+)\](?: \((.+)\))?$/m.exec(text(pushed));
      const reason = why ? `${why[1]}${why[2] ? ` (${why[2]})` : ""}` : gitReason(pushed.stderr) || "git failed";
      throw new GitError(`cannot push to ${where}: ${reason}`, ["the vault here is saved and committed; `otp sync` pushes it later"]);
    }
    if (attempt >= ATTEMPTS) throw new GitError(`the remote ${where} kept changing while otp pushed`, ["run `otp sync` again"]);
  }
}

function unreachable(what: string, stderr: string, hints: string[]): GitError {
  return new GitError(`${what}: ${gitReason(stderr) || "git failed"}`, hints);
}

interface Step {
  pulled: SyncResult["pulled"];
  push: boolean;
  changes: EntryChanges;
  data: VaultData;
}

const NO_CHANGES: EntryChanges = { added: [], removed: [], changed: [] };

/** Under the lock: commit what is left, then fast-forward to or merge with `theirs`. */
async function integrate(ctx: Ctx, g: Git, repo: SyncRepo, opened: OpenedVault, bytes: Uint8Array, write: (b: Uint8Array) => Promise<void>, theirs: string | null): Promise<Step> {
  const ours = openCopy(bytes, opened, "here");
  await commitLeftovers(ctx, g, repo, opened, ours, bytes);
  const head = (await revParse(g, "HEAD"))!;
  if (theirs === null || theirs === head || (await isAncestor(g, theirs, head))) return { pulled: "none", push: theirs !== head, changes: NO_CHANGES, data: ours.data };
  const theirBytes = await vaultAt(g, repo, theirs);
  if (!theirBytes) throw new OtpError("remote-no-vault", `the remote's branch has no ${repo.name}; nothing merged or pushed`, ["check that the remote is the repository this vault syncs with"]);
  const remote = openCopy(theirBytes, opened, "remote");
  if (await isAncestor(g, head, theirs)) {
    if (!equalBytes(bytes, theirBytes)) await write(theirBytes);
    await g(["read-tree", theirs]);
    await g(["update-ref", "-m", "otp: sync (fast-forward)", "HEAD", theirs, head]);
    // Other files the remote changed (.gitignore, .gitattributes) are written by git; the vault never is.
    const others = text(await g(["diff-tree", "-r", "--name-only", "--no-commit-id", head, theirs])).split("\n").filter((n) => n && n !== repo.name);
    if (others.length) await g(["checkout-index", "-f", "--", ...others]);
    return { pulled: "fast-forward", push: false, changes: entryChanges(ours.data, remote.data), data: remote.data };
  }
  const baseCommit = await g(["merge-base", head, theirs], { allowFail: true });
  const baseBytes = baseCommit.code === 0 ? await vaultAt(g, repo, text(baseCommit)) : null;
  const merged = mergeVaults(envelopeOrNull(baseBytes), ours, remote);
  await write(sealAndVerify(merged.envelope, opened.masterKey, merged.data));
  const changes = entryChanges(ours.data, merged.data);
  await g(["read-tree", head]);
  await g(["update-index", "--add", "--", repo.name]);
  const tree = text(await g(["write-tree"]));
  const here = changeSummary(changes);
  const message = `otp: merge with the remote entry by entry${here ? ` (${here} here)` : ""}`;
  const commit = text(await g(["commit-tree", tree, "-p", head, "-p", theirs, "-m", message]));
  await g(["update-ref", "-m", message, "HEAD", commit, head]);
  return { pulled: "merge", push: true, changes, data: merged.data };
}

/** Parses and decrypts one copy with the key in hand; the other side's faults name the remote. */
function openCopy(bytes: Uint8Array, opened: OpenedVault, side: "here" | "remote"): VaultCopy {
  try {
    const { envelope, readOnly } = parseEnvelope(bytes);
    if (readOnly) throw new VaultDamagedError("newer-minor", `the ${side === "here" ? "vault" : "remote's copy of the vault"} was written by a newer otp; nothing merged or pushed`, ["upgrade otp on this machine"]);
    if (envelope.vaultId !== opened.envelope.vaultId)
      throw new OtpError("different-vault", side === "remote"
        ? `the remote holds another vault (id ${short(envelope.vaultId)}, this one is ${short(opened.envelope.vaultId)}); nothing merged or pushed`
        : "the vault was replaced by another vault meanwhile; nothing synced", side === "remote" ? ["sync this vault with its own remote, or move it away and `otp sync init REMOTE` to use the remote's"] : ["run `otp sync` again"]);
    return { envelope, data: openData(envelope, opened.masterKey) };
  } catch (err) {
    if (side === "remote" && err instanceof VaultDamagedError && err.kind !== "newer-minor")
      throw new VaultDamagedError("remote-damaged", `the remote's copy of the vault is damaged or does not open with this vault's key (${err.message}); nothing merged or pushed`, ["fix the remote from a machine with a good copy (`git push --force` of its history), then sync again"]);
    throw err;
  }
}

function envelopeOrNull(bytes: Uint8Array | null): Envelope | null {
  if (!bytes) return null;
  try {
    return parseEnvelope(bytes).envelope;
  } catch {
    return null; // a damaged ancestor only costs the three-way slot merge its base
  }
}

/**
 * Commits the vault if it differs from HEAD (a write whose commit failed, a change made
 * outside otp), named by what changed since HEAD. Refuses when HEAD holds another vault:
 * the file here was replaced, and syncing it would mix two vaults.
 */
async function commitLeftovers(ctx: Ctx, g: Git, repo: SyncRepo, opened: OpenedVault, ours: VaultCopy, current: Uint8Array): Promise<void> {
  const head = await revParse(g, "HEAD");
  const bytes = head ? await vaultAt(g, repo, head) : null;
  if (bytes && equalBytes(bytes, current)) return; // committed already: nothing to do
  let before: VaultCopy | null = null;
  if (bytes) {
    try {
      const { envelope } = parseEnvelope(bytes);
      if (envelope.vaultId !== ours.envelope.vaultId)
        throw new OtpError("different-vault", `the vault here is not the one ${repo.dir} syncs (id ${short(ours.envelope.vaultId)}, committed ${short(envelope.vaultId)}); nothing synced`, ["put the synced vault back (`git -C DIR checkout -- FILE` restores the committed one), or sync this one from a folder of its own"]);
      before = { envelope, data: openData(envelope, opened.masterKey) };
    } catch (err) {
      if (err instanceof OtpError && err.kind === "different-vault") throw err;
    }
  }
  const message = before ? commitMessage(entryChanges(before.data, ours.data)) : "otp: update the vault";
  await commitVaultFile(ctx, repo, message);
}
