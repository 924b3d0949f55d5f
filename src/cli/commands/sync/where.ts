// Where a synced vault's repository is, told without running git (every vault write asks):
// the vault's own folder (after symlinks) is a sync repository when it holds `.git` and a
// `.gitattributes` that hands the vault to otp's merge driver. Also the files otp keeps there.
import { basename, dirname, join } from "node:path";
import type { Ctx } from "../../context.js";

export const DRIVER = "otpvault";

export interface SyncRepo {
  /** the vault's folder: the repository's work tree */
  dir: string;
  /** the vault's file name inside it */
  name: string;
}

/** The folder and file name of the vault, symlinks resolved (the write protocol replaces the target). */
export function vaultPlace(ctx: Ctx, vaultPath: string): SyncRepo {
  let real = vaultPath;
  try {
    real = ctx.files.realpath(vaultPath);
  } catch {
    // no vault yet: its folder may not exist either
  }
  return { dir: dirname(real), name: basename(real) };
}

/** The line of .gitattributes for the vault: otp's merge driver, never a text conversion, no text diff. */
export const attributesLine = (name: string) => `/${name} merge=${DRIVER} -text -diff`;

/** The vault's sync repository, or null when its folder is not one. */
export function syncRepoOf(ctx: Ctx, vaultPath: string): SyncRepo | null {
  const place = vaultPlace(ctx, vaultPath);
  if (!ctx.files.exists(join(place.dir, ".git"))) return null;
  // .git/info/attributes first: a remote can change the tracked .gitattributes, not that one.
  for (const file of [join(place.dir, ".git", "info", "attributes"), join(place.dir, ".gitattributes")]) {
    const attrs = ctx.files.readTextNow(file);
    if (attrs !== null && attrs.split("\n").some((l) => l.trim() === attributesLine(place.name))) return place;
  }
  return null;
}
