// `otp sync init [REMOTE]`: make the vault's folder a git repository that holds the vault and
// nothing else, with otp's merge driver, and sync it with REMOTE. With no vault yet, clone the
// remote's vault into place instead. Safe to run again: without REMOTE it only repairs the
// settings (the driver's path, a password file to record); with REMOTE it adds the remote the
// repository lacks and syncs. Nothing is created when the remote cannot be reached first. An
// empty bare repository on a local path gets its HEAD pointed at the branch otp pushed.
import { isAbsolute, join, resolve } from "node:path";
import { OtpError, UsageError, VaultDamagedError } from "../../../core/errors.js";
import { generationOf, parseEnvelope } from "../../../core/vault/format.js";
import { escapeForTerminal } from "../../../core/text.js";
import { GitError, gitReason, redactUrl, text } from "../../../core/git-output.js";
import type { Ctx } from "../../context.js";
import { syncWithRemote } from "./exchange.js";
import {
  FALLBACK_IDENTITY,
  REMOTE,
  checkVaultName,
  commitVaultFile,
  configureRepo,
  gitIn,
  remoteUrl,
  revParse,
  setSeenGeneration,
  vaultAt,
  type Git,
} from "./repo.js";
import { recordSync, reportSync } from "./report.js";
import { vaultPlace, type SyncRepo } from "./where.js";
import { openVault, readEnvelope, underVaultLock } from "../../vault.js";

export async function run(ctx: Ctx, remoteArg: string | undefined): Promise<void> {
  const place = vaultPlace(ctx, ctx.vaultPath);
  checkVaultName(place.name);
  refuseWideFolder(ctx, place.dir);
  const remote = remoteArg === undefined ? undefined : normalizeRemote(remoteArg);
  if (!ctx.files.exists(ctx.vaultPath)) {
    if (remote === undefined)
      throw new OtpError("no-vault", `no vault at ${ctx.vaultPath}`, [
        "create one with `otp init` first, or clone a synced vault with `otp sync init REMOTE`",
      ]);
    return cloneIntoPlace(ctx, place, remote);
  }
  await readEnvelope(ctx); // a damaged vault (exit 5) never gets a repository
  const g = gitIn(ctx, place.dir);
  const fresh = !ctx.files.exists(join(place.dir, ".git"));
  if (fresh) {
    // Before anything is created: the remote must answer, and its branch becomes ours.
    const branch = remote === undefined ? "main" : ((await defaultBranch(gitIn(ctx, place.dir), remote)) ?? "main");
    await g(["init", "-q", "-b", branch]);
  }
  await setUp(ctx, place, fresh ? "otp: start syncing this vault" : "otp: sync settings");
  const current = await remoteUrl(g);
  if (remote !== undefined && current === null) await g(["remote", "add", REMOTE, remote]);
  else if (remote !== undefined && current !== remote)
    throw new OtpError("other-remote", `${place.dir} already syncs with ${redactUrl(current!)}`, [
      `to change it: \`git -C ${place.dir} remote set-url ${REMOTE} URL\`, then \`otp sync\``,
    ]);
  if (remote === undefined) {
    if (current === null) {
      ctx.info(`${place.dir} is a sync repository now; only ${place.name} goes into it`);
      ctx.hint("give it a remote with `otp sync init REMOTE` (a bare repository on a USB stick or a server, a private GitHub repository)");
    } else ctx.info(`${place.dir} syncs with ${redactUrl(current)}; its settings are in place (\`otp sync\` exchanges changes)`);
    return;
  }
  const wasEmpty = await emptyLocalBare(ctx, g, remote);
  const opened = await openVault(ctx);
  const result = await syncWithRemote(ctx, place, opened);
  if (wasEmpty && result.pushed) await pointHeadAt(g, remote, result.branch);
  await recordSync(ctx, place);
  reportSync(ctx, result);
}

/** A bare repository on a local path with no branch yet (`git init --bare`): its HEAD names a branch no one pushed. */
async function emptyLocalBare(ctx: Ctx, g: Git, remote: string): Promise<boolean> {
  if (!isAbsolute(remote) || !ctx.files.exists(remote)) return false;
  const bare = await g(["--git-dir", remote, "rev-parse", "--is-bare-repository"], { allowFail: true });
  if (bare.code !== 0 || text(bare) !== "true") return false;
  const heads = await g(["--git-dir", remote, "for-each-ref", "--count=1", "refs/heads/"], { allowFail: true });
  return heads.code === 0 && text(heads) === "";
}

/**
 * Points the HEAD of a local bare repository that was empty at the branch otp just pushed, when
 * it names a branch that does not exist there (git's default branch, master, where otp pushed
 * main): a plain `git clone` of it then checks the vault out instead of warning "remote HEAD
 * refers to nonexistent ref". Only on a local path: never over the network.
 */
async function pointHeadAt(g: Git, remote: string, branch: string): Promise<void> {
  const at = (args: string[]) => g(["--git-dir", remote, ...args], { allowFail: true });
  const head = await at(["symbolic-ref", "-q", "HEAD"]);
  if (head.code !== 0 || (await at(["rev-parse", "-q", "--verify", `${text(head)}^{commit}`])).code === 0) return;
  if ((await at(["rev-parse", "-q", "--verify", `refs/heads/${branch}^{commit}`])).code !== 0) return;
  await at(["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
}

/** otp settings in the repository, committed with the vault. */
async function setUp(ctx: Ctx, repo: SyncRepo, message: string): Promise<void> {
  const conf = await configureRepo(ctx, repo);
  if (conf.identitySet)
    ctx.info(
      `git has no user.name or user.email here, so commits in ${repo.dir} are by "${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>" (\`git -C ${repo.dir} config user.name …\` changes it)`,
    );
  await underVaultLock(ctx, () => commitVaultFile(ctx, repo, message, conf.changed));
}

/** No vault straight in HOME or /: the whole folder would become a repository. */
function refuseWideFolder(ctx: Ctx, dir: string): void {
  const home = ctx.env.HOME ? resolve(ctx.env.HOME) : null;
  if (dir === "/" || dir === home)
    throw new OtpError("vault-folder-too-wide", `the vault is directly in ${dir}, which otp would have to make a git repository`, [
      "move the vault into a folder of its own (the default is ~/.local/share/otp/vault.otp) and point --vault or OTP_VAULT at it",
    ]);
}

/** A local path becomes absolute (git would read it relative to the vault's folder); URLs stay. */
function normalizeRemote(r: string): string {
  if (r === "" || r.startsWith("-"))
    throw new UsageError("usage", `"${r}" is not a remote`, ["give a path to a bare repository, or an ssh or https URL"]);
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(r) || /^[^/]*:/.test(r);
  return url ? r : resolve(r);
}

/** The remote's default branch (HEAD), else main, master or its first; null for an empty remote. */
async function defaultBranch(g: Git, remote: string): Promise<string | null> {
  const r = await g(["ls-remote", "--symref", remote], { network: true, allowFail: true });
  if (r.code !== 0) {
    throw new GitError("git", `cannot reach the remote ${redactUrl(remote)}: ${gitReason(r.stderr) || "git failed"}`, [
      "check the address and the network; nothing was changed",
    ]);
  }
  const out = text(r);
  const head = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out)?.[1];
  const heads = [...out.matchAll(/\trefs\/heads\/(\S+)$/gm)].map((m) => m[1]!);
  if (head && heads.includes(head)) return head;
  return heads.find((h) => h === "main") ?? heads.find((h) => h === "master") ?? heads[0] ?? null;
}

/** No vault here: fetch the remote's, check it, and put it in place with the atomic write. */
async function cloneIntoPlace(ctx: Ctx, place: SyncRepo, remote: string): Promise<void> {
  if (ctx.files.exists(join(place.dir, ".git")))
    throw new OtpError("repo-without-vault", `${place.dir} is a git repository but holds no vault at ${ctx.vaultPath}`, [
      `check out the vault there with git, or move ${place.dir}/.git away and run \`otp sync init REMOTE\` again`,
    ]);
  const branch = await defaultBranch(gitIn(ctx, ctx.files.exists(place.dir) ? place.dir : ctx.files.tempDir()), remote);
  if (branch === null)
    throw new OtpError("remote-empty", `there is no vault here, and the remote ${redactUrl(remote)} holds none yet`, [
      "create one with `otp init`, then `otp sync init REMOTE` pushes it",
    ]);
  await ctx.files.mkdir(place.dir, { recursive: true, mode: 0o700 });
  const g = gitIn(ctx, place.dir);
  let bytes: Uint8Array;
  let theirs: string;
  try {
    await g(["init", "-q", "-b", branch]);
    await g(["remote", "add", REMOTE, remote]);
    await g(["fetch", "-q", "--no-tags", REMOTE, `+refs/heads/${branch}:refs/remotes/${REMOTE}/${branch}`], { network: true });
    theirs = (await revParse(g, `refs/remotes/${REMOTE}/${branch}`))!;
    const got = await vaultAt(g, place, theirs);
    if (!got)
      throw new OtpError("remote-no-vault", `the remote's ${branch} holds no ${place.name}`, [
        "check the address, and the vault's file name (--vault) on the machine that pushed it",
      ]);
    try {
      parseEnvelope(got);
    } catch (err) {
      if (err instanceof VaultDamagedError)
        throw new VaultDamagedError(
          "remote-damaged",
          `the remote's copy of the vault is damaged (${err.message}); nothing was copied`,
          err.hints,
        );
      throw err;
    }
    bytes = got;
  } catch (err) {
    await ctx.files.remove(join(place.dir, ".git"));
    throw err;
  }
  await ctx.process.critical(() => ctx.vaultFile.writeAtomic(ctx.vaultPath, bytes, null));
  await g(["update-ref", `refs/heads/${branch}`, theirs]);
  await g(["read-tree", "HEAD"]);
  // Only the vault is taken from the remote; otp writes its own .gitignore and .gitattributes,
  // and nothing else in the remote's commit is ever written here.
  const others = text(await g(["ls-tree", "-r", "--name-only", "HEAD"]))
    .split("\n")
    .filter((n) => n && n !== place.name && n !== ".gitignore" && n !== ".gitattributes");
  if (others.length)
    ctx.warn(
      `the remote's commit holds files otp does not sync (${others.slice(0, 5).map(escapeForTerminal).join(", ")}${others.length > 5 ? ", …" : ""}); they were ignored`,
    );
  await setUp(ctx, place, "otp: sync settings");
  await setSeenGeneration(g, generationOf(parseEnvelope(bytes).envelope));
  await g(["branch", "-q", `--set-upstream-to=${REMOTE}/${branch}`]);
  await recordSync(ctx, place);
  ctx.info(`copied the vault from ${redactUrl(remote)} to ${ctx.vaultPath}; it opens with the password it has on the other machines`);
  ctx.hint("`otp sync` exchanges changes from now on; commands that change the vault commit by themselves");
}
