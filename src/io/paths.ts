// Where things live: the vault (--vault, OTP_VAULT, $XDG_DATA_HOME/otp/vault.otp), its
// snapshots beside it, and the session folder ($XDG_RUNTIME_DIR/otp, else a 0700 folder of
// our own in the temp dir).
import { existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

export type Env = Record<string, string | undefined>;

export function vaultPath(flag: string | undefined, env: Env): string {
  if (flag) return resolve(flag);
  if (env.OTP_VAULT) return resolve(env.OTP_VAULT);
  const data = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  return join(data, "otp", "vault.otp");
}

export function snapshotDir(vault: string): string {
  return join(dirname(vault), "snapshots");
}

/** Snapshot names sort by time: <vault base>.<UTC time>.<random>.otp */
export function snapshotPrefix(vault: string): string {
  return basename(vault) + ".";
}

export function lockPath(vault: string): string {
  return vault + ".lock";
}

export function sessionDir(env: Env): { dir: string; onTmpfs: boolean } {
  if (env.XDG_RUNTIME_DIR) return { dir: join(env.XDG_RUNTIME_DIR, "otp"), onTmpfs: true };
  const uid = typeof process.getuid === "function" ? process.getuid() : "user";
  return { dir: join(tmpdir(), `otp-${uid}`), onTmpfs: false };
}

/** Whether something is at `path` (the parser tells a FILE from a mistyped subcommand). */
export const pathExists = (path: string): boolean => existsSync(path);
