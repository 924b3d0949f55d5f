// The vault's sync repository through git: committing the vault file, reading it at a commit,
// and the settings otp keeps there (.gitignore, .gitattributes, the merge driver, hooks, an
// identity for commits). Commits are made with plumbing (update-index, write-tree,
// commit-tree, update-ref): no editor, no hooks, no signing prompt, and git never rewrites
// the vault file, which only otp's atomic write protocol replaces.
import { isAbsolute, join, resolve } from "node:path";
import { OtpError } from "../../../core/errors.js";
import { GitError, text, type GitResult } from "../../../core/git-output.js";
import type { Ctx } from "../../context.js";
import { DRIVER, attributesLine, type SyncRepo } from "./where.js";

export const REMOTE = "origin";

/** git in one folder (gitIn). */
export interface Git {
  (args: string[], o?: { network?: boolean; allowFail?: boolean }): Promise<GitResult>;
  /**
   * A setting as git resolves it (system, global, then the repository's; the last one wins), or
   * null. `fresh`: read now, not from what this command read before (another otp may have
   * changed it meanwhile).
   */
  config(key: string, o?: { fresh?: boolean }): Promise<string | null>;
}

/** Commands that may change what git's config holds: the settings are read again after them. */
const changesConfig = ([command, sub]: string[]) =>
  command === "config" || command === "init" || command === "clone" || (command === "remote" && sub !== "get-url");
/**
 * `git config KEY VALUE`, no option: sets one key in the repository's own config, which git reads
 * last, so the value set is the one `--get` gives (unless a file included after the line git
 * wrote sets it again: otp's own keys, written by otp, are not set that way).
 */
const setsOneKey = (args: string[]) => args.length === 3 && args[0] === "config" && !args[1]!.startsWith("-");

/**
 * git in the repository, with the user's environment cleaned (io/git.ts). Its settings are read
 * with one `git config --list` when first asked for and kept until a command that may change
 * them: a sync asked git for eight settings one process at a time, and each git process is
 * a few milliseconds, more when started from a large process.
 */
export function gitIn(ctx: Ctx, dir: string): Git {
  let settings: Promise<Map<string, string>> | null = null;
  const g = (async (args, o = {}) => {
    // ssh must not prompt (io/git.ts); the user's own ssh command is one of the settings read once.
    const sshCommand = o.network ? ((await g.config("core.sshCommand")) ?? "") : undefined;
    const known = settings;
    if (changesConfig(args)) settings = null;
    const r = await ctx.git.run(dir, args, sshCommand === undefined ? o : { ...o, sshCommand });
    // One key set: what was read, with that key's new value (sync init sets five; each cost a
    // `git config --list` again). Anything else that changes the config: read again when asked.
    if (setsOneKey(args) && r.code === 0 && known && settings === null)
      settings = known.then((m) => new Map(m).set(settingName(args[1]!), args[2]!));
    return r;
  }) as Git;
  g.config = async (key, o = {}) => {
    if (o.fresh) settings = null;
    settings ??= readSettings(ctx, dir);
    return (await settings).get(settingName(key)) ?? null;
  };
  return g;
}

/** Every setting git sees from `dir`, as `git config --get` would give each: the last value of a key wins. */
async function readSettings(ctx: Ctx, dir: string): Promise<Map<string, string>> {
  const r = await ctx.git.run(dir, ["config", "--list", "-z"], { allowFail: true });
  const out = new Map<string, string>();
  if (r.code !== 0) return out; // as `--get` of each would fail: no settings
  for (const item of r.stdout.toString("utf8").split("\0")) {
    if (item === "") continue;
    const nl = item.indexOf("\n");
    // A key without `=` (a bare boolean) has no newline; `--get` prints it as an empty value.
    out.set(nl < 0 ? item : item.slice(0, nl), nl < 0 ? "" : item.slice(nl + 1));
  }
  return out;
}

/** How `git config --list` names a key: section and variable names in lower case, a subsection as it is. */
export function settingName(key: string): string {
  const first = key.indexOf(".");
  const last = key.lastIndexOf(".");
  if (first < 0) return key.toLowerCase();
  return `${key.slice(0, first).toLowerCase()}${key.slice(first, last)}.${key.slice(last + 1).toLowerCase()}`;
}

/** A commit id, or null when the revision does not exist. */
export async function revParse(g: Git, rev: string): Promise<string | null> {
  const r = await g(["rev-parse", "-q", "--verify", `${rev}^{commit}`], { allowFail: true });
  return r.code === 0 ? text(r) : null;
}

/** The vault file's bytes at a commit, or null when that commit has none. */
export async function vaultAt(g: Git, repo: SyncRepo, commit: string): Promise<Uint8Array | null> {
  const r = await g(["cat-file", "blob", `${commit}:${repo.name}`], { allowFail: true });
  return r.code === 0 ? new Uint8Array(r.stdout) : null;
}

export async function isAncestor(g: Git, a: string, b: string): Promise<boolean> {
  return (await g(["merge-base", "--is-ancestor", a, b], { allowFail: true })).code === 0;
}

export async function currentBranch(g: Git, repo: SyncRepo): Promise<string> {
  const r = await g(["symbolic-ref", "-q", "--short", "HEAD"], { allowFail: true });
  if (r.code !== 0)
    throw new GitError("git", `the sync repository ${repo.dir} is not on a branch`, [
      `run \`git -C ${repo.dir} switch main\` (or your branch), then try again`,
    ]);
  return text(r);
}

export async function remoteUrl(g: Git): Promise<string | null> {
  const r = await g(["remote", "get-url", REMOTE], { allowFail: true });
  return r.code === 0 ? text(r) : null;
}

/**
 * The highest key generation this machine has seen on the remote (local git config, which no
 * remote can change): a remote copy older than it is a rollback, refused. 0 before any sync.
 */
export async function seenGeneration(g: Git): Promise<number> {
  // Read afresh each time: a value this command read earlier may be lower than what another otp
  // recorded since, and the floor must never go down.
  const v = await g.config("otp.remoteGeneration", { fresh: true });
  return v !== null && /^\d{1,15}$/.test(v) ? Number(v) : 0;
}

/** Raises the floor to n; never lowers it (it compares with the floor as it is now, read afresh). */
export async function setSeenGeneration(g: Git, n: number): Promise<void> {
  if (n > (await seenGeneration(g))) await g(["config", "otp.remoteGeneration", String(n)]);
}

function refuseDuringMerge(ctx: Ctx, repo: SyncRepo): void {
  if (ctx.files.exists(join(repo.dir, ".git", "MERGE_HEAD")))
    throw new GitError("git", `a git merge is in progress in ${repo.dir}`, [
      `finish it, or run \`git -C ${repo.dir} merge --abort\`, then \`otp sync\``,
    ]);
}

/**
 * Commits the vault file as it is on disk (with `paths` besides, if given) on top of HEAD.
 * Returns the new commit, or null when there was nothing to commit. Throws GitError.
 */
export async function commitVaultFile(ctx: Ctx, repo: SyncRepo, message: string, paths: string[] = []): Promise<string | null> {
  const g = gitIn(ctx, repo.dir);
  refuseDuringMerge(ctx, repo);
  await g(["update-index", "--add", "--", repo.name, ...paths]);
  const tree = text(await g(["write-tree"]));
  // HEAD's commit and tree in one run ("--": revisions only, never a file of that name); none
  // before the first commit.
  const head = await g(["rev-parse", "HEAD^{commit}", "HEAD^{tree}", "--"], { allowFail: true });
  const [parent, parentTree] = head.code === 0 ? text(head).split("\n") : [];
  if (parent && parentTree === tree) return null;
  const commit = text(await g(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message]));
  await g(["update-ref", "-m", message, "HEAD", commit, parent ?? ""]);
  return commit;
}

// ---- the settings otp keeps in the repository ----

const IGNORE_HEAD = "# otp: only the vault is shared. Snapshots, locks, sessions, temporary files and";
const ignoreBlock = (name: string) =>
  `${IGNORE_HEAD}\n# plaintext exports stay on this machine.\n/*\n!/.gitignore\n!/.gitattributes\n!/${name}\n`;
const ATTRS_HEAD = "# otp: the vault is merged entry by entry by `otp sync merge-driver` (set up by `otp sync init`).";
const HOOK_MARK = "# otp: keeps the vault 0600";
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** What otp runs from git (the merge driver, the hook): this very otp, by absolute paths (git's shell has no PATH of ours). */
const otpCommand = (ctx: Ctx) => ctx.process.selfCommand().map(q).join(" ");
const hookScript = (ctx: Ctx, repo: SyncRepo, hook: string) =>
  `#!/bin/sh\n${HOOK_MARK} after git checks it out (git writes files 0644).\nchmod 600 -- ${q(repo.name)} 2>/dev/null\n` +
  // A pull that only fast-forwards calls no merge driver: otp checks what it brought.
  (hook === "post-merge" ? `${otpCommand(ctx)} --vault ${q(join(repo.dir, repo.name))} sync after-pull\n` : "") +
  "exit 0\n";
/** The neutral identity for commits when git has none: no host or user name leaks to the remote. */
export const FALLBACK_IDENTITY = { name: "otp", email: "otp@localhost" };

/** Vault file names otp can put in .gitignore and .gitattributes patterns without quoting. */
export function checkVaultName(name: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name))
    throw new OtpError("bad-vault-name", `the vault's file name "${name}" cannot be synced`, [
      "rename it to letters, digits, dots, hyphens and underscores (like vault.otp), then try again",
    ]);
}

/** Appends `block` to the file unless a line of it (`marker`) is there already. Returns true when it wrote. */
async function ensureBlock(ctx: Ctx, path: string, marker: string, block: string, mode = 0o644): Promise<boolean> {
  const now = await ctx.files.readText(path).catch(() => null);
  if (now !== null && now.split("\n").some((l) => l.trim() === marker)) return false;
  await ctx.files.writeText(path, now === null || now === "" ? block : `${now.replace(/\n?$/, "\n")}${block}`, mode);
  return true;
}

/** How git runs the driver: this very otp, by absolute paths (git's shell has no PATH of ours). */
export function driverCommand(ctx: Ctx, passwordFile: string | null): string {
  // The launcher that runs us (bin/otp.cjs, or npm's link to it): see ProcessPort.selfCommand.
  return [otpCommand(ctx), ...(passwordFile ? ["--password-file", q(passwordFile)] : []), "sync", "merge-driver", "%O", "%A", "%B"].join(
    " ",
  );
}

export interface ConfigureResult {
  /** files otp wrote or changed (to commit) */
  changed: string[];
  /** git had no identity, and the fallback was set for this repository */
  identitySet: boolean;
}

/**
 * Writes otp's settings into the repository (idempotent): .gitignore so that only the vault
 * goes in, .gitattributes for the merge driver, the driver itself and `pull.rebase false` in
 * .git/config (not shared: every clone runs `otp sync init`), hooks that keep the vault 0600
 * after a plain `git pull`, and an identity when git has none. Throws OtpError when the
 * repository already syncs another vault.
 */
export async function configureRepo(ctx: Ctx, repo: SyncRepo): Promise<ConfigureResult> {
  checkVaultName(repo.name);
  const g = gitIn(ctx, repo.dir);
  const attrs = (await ctx.files.readText(join(repo.dir, ".gitattributes")).catch(() => null)) ?? "";
  const other = attrs.split("\n").find((l) => l.includes(`merge=${DRIVER}`) && l.trim() !== attributesLine(repo.name));
  if (other)
    throw new OtpError("other-vault-synced", `${repo.dir} already syncs another vault (${other.trim().split(" ")[0]})`, [
      "keep each vault in a folder of its own",
    ]);
  const changed: string[] = [];
  if (await ensureBlock(ctx, join(repo.dir, ".gitignore"), `!/${repo.name}`, ignoreBlock(repo.name))) changed.push(".gitignore");
  if (await ensureBlock(ctx, join(repo.dir, ".gitattributes"), attributesLine(repo.name), `${ATTRS_HEAD}\n${attributesLine(repo.name)}\n`))
    changed.push(".gitattributes");
  await setDriver(ctx, repo);
  await g(["config", "pull.rebase", "false"]);
  let identitySet = false;
  for (const [key, value] of [
    ["user.name", FALLBACK_IDENTITY.name],
    ["user.email", FALLBACK_IDENTITY.email],
  ] as const)
    if ((await g.config(key)) === null) {
      await g(["config", key, value]);
      identitySet = true;
    }
  return { changed, identitySet };
}

/**
 * What a plain `git pull` or `git checkout` may write in the vault's folder, set where no
 * remote can change it (.git/info): the sparse checkout lets git write only the vault and otp's
 * own two settings files, so a rogue commit holding `snapshots` or `vault.otp.lock/…` is never
 * checked out; and the merge driver is named in .git/info/attributes as well, which wins over a
 * .gitattributes the remote edited.
 */
async function keepCheckoutsToTheVault(ctx: Ctx, repo: SyncRepo): Promise<void> {
  const info = join(repo.dir, ".git", "info");
  await ctx.files.mkdir(info, { recursive: true });
  await ctx.files.writeText(
    join(info, "sparse-checkout"),
    `# otp: git checks out only these\n/${repo.name}\n/.gitignore\n/.gitattributes\n`,
  );
  await ensureBlock(ctx, join(info, "attributes"), attributesLine(repo.name), `${ATTRS_HEAD}\n${attributesLine(repo.name)}\n`);
}

/** Hooks that keep the vault 0600 after a plain `git pull`, and check what a fast-forward brought (ours only: a hook of the user's is left alone). */
async function writeHooks(ctx: Ctx, repo: SyncRepo): Promise<void> {
  const hooks = join(repo.dir, ".git", "hooks");
  await ctx.files.mkdir(hooks, { recursive: true });
  for (const hook of ["post-merge", "post-checkout"]) {
    const path = join(hooks, hook);
    const now = await ctx.files.readText(path).catch(() => null);
    const want = hookScript(ctx, repo, hook);
    if ((now === null || now.includes(HOOK_MARK)) && now !== want) await ctx.files.writeText(path, want, 0o755);
  }
}

/**
 * Points the merge driver at this otp (the path changes when otp moves or is upgraded), with
 * the password file recorded at `otp sync init --password-file FILE`, if any; and keeps what
 * git may check out to the vault (run at every `otp sync`, so older repositories get it too).
 */
export async function setDriver(ctx: Ctx, repo: SyncRepo): Promise<void> {
  const g = gitIn(ctx, repo.dir);
  if (ctx.passwordFile && ctx.passwordFile !== "-" && (await g.config("otp.passwordFile")) === null)
    await g(["config", "otp.passwordFile", isAbsolute(ctx.passwordFile) ? ctx.passwordFile : resolve(ctx.passwordFile)]);
  await keepCheckoutsToTheVault(ctx, repo);
  if ((await g.config("core.sparseCheckout")) !== "true") await g(["config", "core.sparseCheckout", "true"]);
  await writeHooks(ctx, repo);
  const want = driverCommand(ctx, await g.config("otp.passwordFile"));
  if ((await g.config(`merge.${DRIVER}.driver`)) !== want) {
    await g(["config", `merge.${DRIVER}.name`, "otp vault, merged entry by entry"]);
    await g(["config", `merge.${DRIVER}.driver`, want]);
  }
}
