// One sync with the remote: fetch, then under the vault's lock commit anything left
// uncommitted and merge the remote's commits entry by entry (core/vault/merge.ts), then push; a
// push that lost a race fetches and merges again. What a remote can never do, even with push
// access and no key: take away what this machine has (every copy is merged, so an entry leaves
// only by a tombstone, counters never go down, used recovery codes stay used), bring an old
// password back (the newest key generation wins the keys), roll the vault back to a copy older
// than one this machine has seen there (refused, exit 5), or write anything here but the vault
// (other paths in its commits are ignored). A copy under keys this machine lacks (another
// machine changed the password) needs that password, asked before the lock. A damaged, foreign
// or unreachable remote leaves the vault byte for byte as it was, and nothing is pushed.
import { OtpError, VaultDamagedError } from "../../../core/errors.js";
import { changeSummary, commitMessage, entryChanges, otherChange, type EntryChanges } from "../../../core/vault/changes.js";
import { equalBytes, generationOf, parseEnvelope, slotJson, type Envelope } from "../../../core/vault/format.js";
import { sameJson } from "../../../core/json.js";
import { canonicalJson, mergeCopies, type KeyedCopy, type VaultCopy } from "../../../core/vault/merge.js";
import type { VaultData } from "../../../core/vault/model.js";
import { openData, sealAndVerify } from "../../../core/vault/vault.js";
import { checkEntryLimits } from "../../../core/vault/entry-limits.js";
import { escapeForTerminal } from "../../../core/text.js";
import { GitError, gitReason, redactUrl, text } from "../../../core/git-output.js";
import type { Ctx } from "../../context.js";
import { underVaultLock, type OpenedVault } from "../../vault.js";
import { Keyring } from "./keyring.js";
import { NeedsKeyError, keyForCopy } from "./remote-key.js";
import {
  commitVaultFile,
  currentBranch,
  gitIn,
  isAncestor,
  remoteUrl,
  revParse,
  seenGeneration,
  setSeenGeneration,
  vaultAt,
  REMOTE,
  type Git,
} from "./repo.js";
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
  /** the vault now has the keys another machine made (its password changed there) */
  tookRemoteKeys: boolean;
}

const ATTEMPTS = 3;
const short = (id: string) => id.slice(0, 8) + "…";

export async function syncWithRemote(ctx: Ctx, repo: SyncRepo, opened: OpenedVault): Promise<SyncResult> {
  const g = gitIn(ctx, repo.dir);
  const branch = await currentBranch(g, repo);
  const url = await remoteUrl(g);
  if (url === null)
    throw new OtpError("no-remote", `the sync repository ${repo.dir} has no remote`, [
      `give it one: \`otp sync init REMOTE\` (a bare repository, an ssh or https URL)`,
    ]);
  const where = redactUrl(url);
  const keyring = new Keyring(opened);
  const total: EntryChanges = { added: [], removed: [], changed: [] };
  let pulled: SyncResult["pulled"] = "none";
  let tookRemoteKeys = false;
  let asked = 0;
  for (let attempt = 1; ; attempt++) {
    const fetched = await g(["fetch", "-q", "--no-tags", REMOTE, `+refs/heads/${branch}:refs/remotes/${REMOTE}/${branch}`], {
      network: true,
      allowFail: true,
    });
    if (fetched.code !== 0 && !/couldn't find remote ref/i.test(fetched.stderr))
      throw unreachable(`cannot fetch from ${where}`, fetched.stderr, [
        `check the network and the remote's address (\`git -C ${repo.dir} remote -v\`); ${attempt === 1 ? "the vault here is unchanged" : "the vault here has the merge, and \`otp sync\` pushes it later"}`,
      ]);
    const theirs = fetched.code === 0 ? await revParse(g, `refs/remotes/${REMOTE}/${branch}`) : null;
    const seen = await seenGeneration(g);
    let step: Step;
    try {
      step = await underVaultLock(ctx, (file, write) => integrate(ctx, g, repo, opened, keyring, seen, file.bytes, write, theirs));
    } catch (err) {
      // Another machine changed the password: get it (outside the lock), then merge again.
      if (!(err instanceof NeedsKeyError) || asked++ > 0) throw err;
      keyring.add(generationOf(err.envelope), await keyForCopy(ctx, err));
      attempt--;
      continue;
    }
    if (step.remoteGeneration !== null) await setSeenGeneration(g, step.remoteGeneration);
    tookRemoteKeys ||= step.tookRemoteKeys;
    if (step.pulled !== "none") pulled = pulled === "merge" || step.pulled === "merge" ? "merge" : "fast-forward";
    total.added.push(...step.changes.added);
    total.removed.push(...step.changes.removed);
    total.changed.push(...step.changes.changed);
    const done = async (pushed: boolean): Promise<SyncResult> => {
      // What the remote holds now is this machine's vault: its generation is the one seen there.
      if (pushed || !step.push) await setSeenGeneration(g, generationOf(opened.envelope));
      return { pulled, pushed, changes: total, remote: where, branch, data: step.data, tookRemoteKeys };
    };
    if (!step.push) return done(false);
    const pushed = await g(["push", "--porcelain", "-u", REMOTE, `refs/heads/${branch}:refs/heads/${branch}`], {
      network: true,
      allowFail: true,
    });
    if (pushed.code === 0) return done(true);
    const lostRace = /\[rejected\]|\(fetch first\)|non-fast-forward/.test(text(pushed) + pushed.stderr);
    if (!lostRace) {
      // --porcelain says why in a line of its own: "!\t<refs>\t[remote rejected] (pre-receive hook declined)".
      const why = /^!\t\S+\t\[([^\]]+)\](?: \((.+)\))?$/m.exec(text(pushed));
      const reason = why ? `${why[1]}${why[2] ? ` (${why[2]})` : ""}` : gitReason(pushed.stderr) || "git failed";
      throw new GitError("git", `cannot push to ${where}: ${reason}`, [
        "the vault here is saved and committed; `otp sync` pushes it later",
      ]);
    }
    if (attempt >= ATTEMPTS) throw new GitError("git", `the remote ${where} kept changing while otp pushed`, ["run `otp sync` again"]);
  }
}

function unreachable(what: string, stderr: string, hints: string[]): GitError {
  return new GitError("git", `${what}: ${gitReason(stderr) || "git failed"}`, hints);
}

interface Step {
  pulled: SyncResult["pulled"];
  push: boolean;
  changes: EntryChanges;
  data: VaultData;
  /** the remote copy's key generation, when there was one to look at */
  remoteGeneration: number | null;
  /** the merge took the remote's keys (its password was changed on another machine) */
  tookRemoteKeys: boolean;
}

const NO_CHANGES: EntryChanges = { added: [], removed: [], changed: [] };
/** What otp itself keeps in the repository besides the vault; anything else a remote brings is ignored. */
const OWN_FILES = [".gitignore", ".gitattributes"];

/**
 * Under the lock: commit what is left, then merge `theirs` entry by entry. Never a raw
 * fast-forward: the remote's bytes are taken as they are only when merging them with this
 * machine's copy changes nothing; otherwise the merge is written and committed on top. A remote
 * copy older (by key generation) than what this machine has seen on the remote is refused.
 * Only the vault file is ever written; other paths in the remote's commits are left out of
 * this machine's tree and named in a warning.
 */
async function integrate(
  ctx: Ctx,
  g: Git,
  repo: SyncRepo,
  opened: OpenedVault,
  keyring: Keyring,
  seen: number,
  bytes: Uint8Array,
  write: (b: Uint8Array) => Promise<void>,
  theirs: string | null,
): Promise<Step> {
  const ours = openHere(bytes, opened);
  await commitLeftovers(ctx, g, repo, keyring, ours, bytes);
  const head = (await revParse(g, "HEAD"))!;
  const none = { pulled: "none" as const, changes: NO_CHANGES, data: ours.data, remoteGeneration: null, tookRemoteKeys: false };
  if (theirs === null || theirs === head || (await isAncestor(g, theirs, head))) return { ...none, push: theirs !== head };
  const theirBytes = await vaultAt(g, repo, theirs);
  if (!theirBytes)
    throw new OtpError("remote-no-vault", `the remote's branch has no ${repo.name}; nothing merged or pushed`, [
      "check that the remote is the repository this vault syncs with",
    ]);
  const remoteEnv = parseRemote(theirBytes, opened);
  if (generationOf(remoteEnv) < seen)
    throw new VaultDamagedError(
      "remote-rolled-back",
      `the remote holds an older vault than this one (key generation ${generationOf(remoteEnv)}; this machine has seen ${seen} there): nothing merged or pushed`,
      [
        `an old copy was pushed back (or the remote restored from an old backup); check its history (\`git -C ${repo.dir} log --stat ${REMOTE}/${await currentBranch(g, repo)}\`), then put this machine's vault back there with \`git -C ${repo.dir} push --force\``,
      ],
    );
  const remote = keyring.open(remoteEnv);
  if (!remote) throw new NeedsKeyError(remoteEnv, "remote's copy of the vault");
  checkEntryLimits(remote.data, "the remote's copy");
  const foreign = await otherPaths(g, repo, theirs);
  if (foreign.length)
    ctx.warn(
      `the remote's commits hold files otp does not sync (${foreign.slice(0, 5).map(escapeForTerminal).join(", ")}${foreign.length > 5 ? ", …" : ""}); they were ignored, and nothing but the vault was written here`,
    );
  const ff = await isAncestor(g, head, theirs);
  const baseBytes = ff ? await vaultAt(g, repo, head) : await mergeBaseVault(g, repo, head, theirs);
  const merged = mergeCopies(envelopeOrNull(baseBytes), ours, remote);
  const tookRemoteKeys = !equalBytes(merged.key, ours.key);
  const changes = entryChanges(ours.data, merged.data);
  const step = { changes, data: merged.data, remoteGeneration: generationOf(remoteEnv), tookRemoteKeys };
  if (ff && foreign.length === 0 && sameCopy(merged, remote)) {
    // Merging changes nothing of theirs: their commit, byte for byte (a true fast-forward).
    if (!equalBytes(bytes, theirBytes)) await write(theirBytes);
    await g(["read-tree", theirs]);
    await g(["update-ref", "-m", "otp: sync (fast-forward)", "HEAD", theirs, head]);
    adopt(opened, merged);
    return { ...step, pulled: "fast-forward", push: false };
  }
  await write(sealAndVerify(merged.envelope, merged.key, merged.data));
  await g(["read-tree", head]);
  await g(["update-index", "--add", "--", repo.name]);
  const tree = text(await g(["write-tree"]));
  const here = changeSummary(changes);
  const message = `otp: merge with the remote entry by entry${here ? ` (${here} here)` : ""}`;
  const parents = ff ? ["-p", theirs] : ["-p", head, "-p", theirs];
  const commit = text(await g(["commit-tree", tree, ...parents, "-m", message]));
  await g(["update-ref", "-m", message, "HEAD", commit, head]);
  adopt(opened, merged);
  return { ...step, pulled: "merge", push: true };
}

/** The in-memory vault follows what was written (the loop may merge again after a lost push race). */
function adopt(opened: OpenedVault, merged: KeyedCopy): void {
  opened.envelope = merged.envelope;
  opened.masterKey = merged.key;
  opened.data = merged.data;
}

/** The same keys, header and content: taking their bytes loses nothing. */
function sameCopy(a: KeyedCopy, b: KeyedCopy): boolean {
  return (
    equalBytes(a.key, b.key) &&
    sameJson(a.data, b.data) &&
    JSON.stringify(a.envelope.slots.map((s) => slotJson(s))) === JSON.stringify(b.envelope.slots.map((s) => slotJson(s))) &&
    canonicalJson(a.envelope.ext) === canonicalJson(b.envelope.ext) &&
    a.envelope.minor === b.envelope.minor
  );
}

/** Paths in their commit other than the vault and otp's own settings. */
async function otherPaths(g: Git, repo: SyncRepo, commit: string): Promise<string[]> {
  return text(await g(["ls-tree", "-r", "--name-only", commit]))
    .split("\n")
    .filter((n) => n && n !== repo.name && !OWN_FILES.includes(n));
}

async function mergeBaseVault(g: Git, repo: SyncRepo, head: string, theirs: string): Promise<Uint8Array | null> {
  const base = await g(["merge-base", head, theirs], { allowFail: true });
  return base.code === 0 ? vaultAt(g, repo, text(base)) : null;
}

/** This machine's copy as read under the lock, with the key in hand. */
function openHere(bytes: Uint8Array, opened: OpenedVault): KeyedCopy {
  const { envelope, readOnly } = parseEnvelope(bytes);
  if (readOnly)
    throw new VaultDamagedError("newer-minor", "the vault was written by a newer otp; nothing merged or pushed", [
      "upgrade otp on this machine",
    ]);
  if (envelope.vaultId !== opened.envelope.vaultId)
    throw new OtpError("different-vault", "the vault was replaced by another vault meanwhile; nothing synced", ["run `otp sync` again"]);
  if (generationOf(envelope) !== generationOf(opened.envelope))
    throw new OtpError("changed-on-disk", "the vault's keys were changed meanwhile (a new password or recovery key); nothing synced", [
      "run `otp sync` again",
    ]);
  return { envelope, key: opened.masterKey, data: openData(envelope, opened.masterKey) };
}

/** The remote's copy, parsed: damaged, newer or another vault's is refused with the remote named. */
function parseRemote(bytes: Uint8Array, opened: OpenedVault): Envelope {
  let parsed;
  try {
    parsed = parseEnvelope(bytes);
  } catch (err) {
    if (err instanceof VaultDamagedError)
      throw new VaultDamagedError(
        "remote-damaged",
        `the remote's copy of the vault is damaged (${err.message}); nothing merged or pushed`,
        ["fix the remote from a machine with a good copy (`git push --force` of its history), then sync again"],
      );
    throw err;
  }
  const { envelope, readOnly } = parsed;
  if (readOnly)
    throw new VaultDamagedError("newer-minor", "the remote's copy of the vault was written by a newer otp; nothing merged or pushed", [
      "upgrade otp on this machine",
    ]);
  if (envelope.vaultId !== opened.envelope.vaultId)
    throw new OtpError(
      "different-vault",
      `the remote holds another vault (id ${short(envelope.vaultId)}, this one is ${short(opened.envelope.vaultId)}); nothing merged or pushed`,
      ["sync this vault with its own remote, or move it away and `otp sync init REMOTE` to use the remote's"],
    );
  return envelope;
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
async function commitLeftovers(ctx: Ctx, g: Git, repo: SyncRepo, keyring: Keyring, ours: KeyedCopy, current: Uint8Array): Promise<void> {
  const head = await revParse(g, "HEAD");
  const bytes = head ? await vaultAt(g, repo, head) : null;
  if (bytes && equalBytes(bytes, current)) return; // committed already: nothing to do
  let before: VaultCopy | null = null;
  if (bytes) {
    try {
      const { envelope } = parseEnvelope(bytes);
      if (envelope.vaultId !== ours.envelope.vaultId)
        throw new OtpError(
          "different-vault",
          `the vault here is not the one ${repo.dir} syncs (id ${short(ours.envelope.vaultId)}, committed ${short(envelope.vaultId)}); nothing synced`,
          [
            "put the synced vault back (`git -C DIR checkout -- FILE` restores the committed one), or sync this one from a folder of its own",
          ],
        );
      before = keyring.open(envelope);
    } catch (err) {
      if (err instanceof OtpError && err.kind === "different-vault") throw err;
    }
  }
  const message = before
    ? commitMessage(
        entryChanges(before.data, ours.data),
        otherChange(before.data, ours.data, generationOf(before.envelope) !== generationOf(ours.envelope)),
      )
    : "otp: update the vault";
  await commitVaultFile(ctx, repo, message);
}
