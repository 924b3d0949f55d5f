// `otp sync merge-driver BASE OURS THEIRS` (hidden): what git runs, through .gitattributes,
// when a plain `git pull` meets two changed copies of the vault. The same merge as `otp sync`
// (core/vault/merge.ts: entry by entry, the newest keys win), written into OURS as git asks.
// The key comes from --password-file (recorded by `otp sync init --password-file`),
// OTP_PASSWORD or a session, never a prompt; the incoming copy opens with this machine's keys,
// or, when another machine changed the password, with the password given the same ways (or
// OTP_RECOVERY_KEY). Without a key, for two different vaults, or for an incoming copy older
// than this machine has seen on the remote (a rollback), it fails and leaves OURS untouched, so
// git reports a conflict and the vault stays as it was.
import { AuthError, OtpError, VaultDamagedError } from "../../../core/errors.js";
import { changeSummary, entryChanges } from "../../../core/vault/changes.js";
import { generationOf, parseEnvelope, type Envelope } from "../../../core/vault/format.js";
import { mergeCopies } from "../../../core/vault/merge.js";
import { openData, sealAndVerify } from "../../../core/vault/vault.js";
import { checkEntryLimits } from "../../../core/vault/entry-limits.js";
import type { Ctx } from "../../context.js";
import { Keyring } from "./keyring.js";
import { NeedsKeyError, keyForCopy } from "./remote-key.js";
import { gitIn, seenGeneration } from "./repo.js";
import { masterKeyFor } from "../../vault.js";

const AFTER = "git left the merge unfinished and the vault as it was: `git merge --abort`, then `otp sync` (or pull again with the key)";

export async function run(ctx: Ctx, basePath: string, oursPath: string, theirsPath: string): Promise<void> {
  const read = async (p: string, side: string) => {
    try {
      return parseEnvelope(await ctx.files.readBytes(p)).envelope;
    } catch (err) {
      if (err instanceof VaultDamagedError)
        throw new VaultDamagedError(err.kind, `${side} copy of the vault: ${err.message}; nothing merged`, [AFTER]);
      throw err;
    }
  };
  const ours = await read(oursPath, "this machine's");
  const theirs = await read(theirsPath, "the incoming");
  let base: Envelope | null = null;
  try {
    base = parseEnvelope(await ctx.files.readBytes(basePath)).envelope;
  } catch {
    base = null; // no common ancestor (git passes an empty file), or a damaged one
  }
  if (ours.vaultId !== theirs.vaultId)
    throw new OtpError(
      "different-vault",
      `the two copies are different vaults (ids ${ours.vaultId.slice(0, 8)}… and ${theirs.vaultId.slice(0, 8)}…); nothing merged`,
      [AFTER],
    );
  // git runs the driver at the top of the work tree: the vault's folder, whose config no remote writes.
  const seen = await seenGeneration(gitIn(ctx, process.cwd()));
  if (generationOf(theirs) < seen)
    throw new VaultDamagedError(
      "remote-rolled-back",
      `the incoming copy is older than the vault this machine has seen on the remote (key generation ${generationOf(theirs)}, seen ${seen}); nothing merged`,
      [AFTER],
    );
  const quiet = { ...ctx, stdinIsTTY: false, canPrompt: () => false };
  const key = await keyForOurs(quiet, ours);
  const oursCopy = { envelope: ours, key, data: openData(ours, key) };
  let merged;
  let bytes: Uint8Array;
  try {
    let theirsCopy = new Keyring({ envelope: ours, masterKey: key, data: oursCopy.data }).open(theirs);
    if (!theirsCopy) {
      const need = new NeedsKeyError(theirs, "incoming copy of the vault");
      const theirKey = await keyForCopy(quiet, need, false);
      theirsCopy = { envelope: theirs, key: theirKey, data: openData(theirs, theirKey) };
    }
    checkEntryLimits(theirsCopy.data, "the incoming copy");
    merged = mergeCopies(base, oursCopy, theirsCopy);
    bytes = sealAndVerify(merged.envelope, merged.key, merged.data);
  } catch (err) {
    // Same error, same exit code, one more hint (error classes take their arguments in different orders).
    if (err instanceof OtpError && !err.hints.includes(AFTER)) err.hints.push(AFTER);
    throw err;
  }
  await ctx.files.writeBytes(oursPath, bytes);
  const here = changeSummary(entryChanges(oursCopy.data, merged.data));
  ctx.info(
    `merged the vault entry by entry${here ? ` (${here} here)` : ""}${merged.keysFrom === "theirs" && generationOf(merged.envelope) !== generationOf(ours) ? "; it now opens with the password set on the other machine" : ""}`,
  );
}

/**
 * This machine's key: each source on its own (a session, the password file, OTP_PASSWORD), the
 * first that opens it. Unlike a command, a wrong OTP_PASSWORD does not end the search: after
 * another machine changed the password, OTP_PASSWORD may hold the new one (for the incoming
 * copy) while a session opens this machine's.
 */
async function keyForOurs(ctx: Ctx, ours: Envelope): Promise<Uint8Array> {
  const sources: Partial<Ctx>[] = [
    { passwordFile: undefined, env: { ...ctx.env, OTP_PASSWORD: undefined, OTP_RECOVERY_KEY: undefined } },
    { env: { ...ctx.env, OTP_PASSWORD: undefined, OTP_SESSION: undefined, OTP_RECOVERY_KEY: undefined } },
    { passwordFile: undefined, env: { ...ctx.env, OTP_SESSION: undefined, OTP_RECOVERY_KEY: undefined } },
  ];
  let first: unknown = null;
  for (const source of sources) {
    try {
      return (await masterKeyFor({ ...ctx, ...source }, ours)).key;
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      if (err.kind !== "no-password-source") first ??= err;
    }
  }
  const why = first instanceof AuthError ? first.message : "no password given and no terminal to ask on";
  throw new AuthError(first instanceof AuthError ? first.kind : "no-password-source", `merging the vault needs its key: ${why}`, [
    'set OTP_PASSWORD or run `eval "$(otp unlock)"` before `git pull`',
    AFTER,
  ]);
}
