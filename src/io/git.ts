// Debian's git, run with execFile: an argv array and no shell, in an environment built from
// scratch, never a prompt. Argv holds paths, refs, remote URLs and commit messages made of
// entry ids, never a secret, issuer or account: the vault moves between git and otp as a file,
// so no secret goes on a command line. Only commands that need git load this module (node's
// child_process costs `otp code` ~8 ms), through import() of the module that uses it.
import { execFile } from "node:child_process";
import { OtpError } from "../core/errors.js";
import { GitError, gitReason, type GitResult } from "../core/git-output.js";
import type { Env } from "./paths.js";

export interface GitOptions {
  /** the user's environment, of which only what git needs is passed on */
  env: Env;
  /** talks to a remote: a longer timeout, and ssh in batch mode */
  network?: boolean;
  /** return a non-zero exit instead of throwing */
  allowFail?: boolean;
  /** the user's core.sshCommand ("" for none), when the caller has read it already: one git run fewer */
  sshCommand?: string;
}

/** What git gets of the user's environment: where config and ssh keys are, proxies, CA files. */
const PASSED = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "TMPDIR",
  "XDG_CONFIG_HOME",
  "SSH_AUTH_SOCK",
  "GIT_SSH",
  "GIT_SSH_COMMAND",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "http_proxy",
  "https_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "no_proxy",
  "NO_PROXY",
  "all_proxy",
  "ALL_PROXY",
];

/**
 * A clean environment: no OTP_* (the password never reaches git or its children), no GIT_DIR
 * and friends from the caller's shell, English messages, and every way of asking turned off
 * (terminal prompts, askpass helpers, credential-manager dialogs).
 */
export function gitEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of PASSED) if (env[k] !== undefined) out[k] = env[k]!;
  out.PATH ??= "/usr/bin:/bin";
  return { ...out, LC_ALL: "C", LANG: "C", GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "false", SSH_ASKPASS: "false", GCM_INTERACTIVE: "never" };
}

/**
 * Settings for every run, whatever the user's config says: no hooks, no signing prompts, bytes
 * kept as they are, and no delta search when packing a push: the vault is sealed afresh at each
 * write, so two versions share nothing a delta could use, and the search cost ~250 ms a push of
 * a 5 MB vault.
 */
const FIXED = [
  "-c",
  "pack.window=0",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "commit.gpgSign=false",
  "-c",
  "core.autocrlf=false",
  "-c",
  "core.fsmonitor=false",
  "-c",
  "color.ui=false",
  "-c",
  "core.quotePath=false",
];

/** Runs `git ARGS` in dir. Throws GitError (exit 1) with git's own one-line reason, unless allowFail. */
export async function git(dir: string, args: string[], o: GitOptions): Promise<GitResult> {
  const env = gitEnv(o.env);
  // ssh must not ask for a passphrase, a password or a new host key on the terminal.
  if (o.network && !env.GIT_SSH)
    env.GIT_SSH_COMMAND = `${env.GIT_SSH_COMMAND ?? ((o.sshCommand ?? (await sshCommand(dir, o.env))) || "ssh")} -o BatchMode=yes -o ConnectTimeout=20`;
  const r = await new Promise<GitResult>((resolve, reject) => {
    const child = execFile(
      "git",
      [...FIXED, ...args],
      { cwd: dir, env, encoding: "buffer", maxBuffer: 64 * 1024 * 1024, timeout: o.network ? 120_000 : 30_000 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: unknown; killed?: boolean }) | null;
        if (e && e.code === "ENOENT")
          return reject(new OtpError("no-git", "git is not installed", ["install git (Debian: `apt install git`)"]));
        if (e?.killed) return reject(new GitError("git", `git ${args[0]} took too long and was stopped`));
        resolve({
          code: e ? (typeof e.code === "number" ? e.code : 1) : 0,
          stdout: stdout as Buffer,
          stderr: (stderr as Buffer).toString("utf8"),
        });
      },
    );
    child.stdin?.end();
  });
  if (r.code !== 0 && !o.allowFail) throw new GitError("git", gitReason(r.stderr) || `git ${args[0]} failed`);
  return r;
}

/** The user's own core.sshCommand, which our GIT_SSH_COMMAND would otherwise override. */
async function sshCommand(dir: string, env: Env): Promise<string> {
  const r = await git(dir, ["config", "--get", "core.sshCommand"], { env, allowFail: true });
  return r.code === 0 ? r.stdout.toString("utf8").trim() : "";
}

export { GitError, gitReason, redactUrl, text, type GitResult } from "../core/git-output.js";
