// `otp sync merge-driver BASE OURS THEIRS` (hidden): what git runs, through .gitattributes,
// when a plain `git pull` meets two changed copies of the vault. The same merge as `otp sync`
// (core/vault/merge.ts), written into OURS as git asks. The key comes from --password-file
// (recorded by `otp sync init --password-file`), OTP_PASSWORD or a session, never a prompt:
// without one, or for two different vaults, it fails and leaves OURS untouched, so git
// reports a conflict and the vault stays as it was.
import { readFileSync, writeFileSync } from "node:fs";
import { AuthError, OtpError, VaultDamagedError } from "../../core/errors.js";
import { changeSummary, entryChanges } from "../../core/vault/changes.js";
import { parseEnvelope, type Envelope } from "../../core/vault/format.js";
import { mergeVaults } from "../../core/vault/merge.js";
import { openData, sealAndVerify } from "../../core/vault/vault.js";
import type { Ctx } from "../context.js";
import { masterKeyFor } from "../vault.js";

const AFTER = "git left the merge unfinished and the vault as it was: `git merge --abort`, then `otp sync` (or pull again with the key)";

export async function run(ctx: Ctx, basePath: string, oursPath: string, theirsPath: string): Promise<void> {
  const read = (p: string, side: string) => {
    try {
      return parseEnvelope(new Uint8Array(readFileSync(p))).envelope;
    } catch (err) {
      if (err instanceof VaultDamagedError) throw new VaultDamagedError(err.kind, `${side} copy of the vault: ${err.message}; nothing merged`, [AFTER]);
      throw err;
    }
  };
  const ours = read(oursPath, "this machine's");
  const theirs = read(theirsPath, "the incoming");
  let base: Envelope | null = null;
  try {
    base = parseEnvelope(new Uint8Array(readFileSync(basePath))).envelope;
  } catch {
    base = null; // no common ancestor (git passes an empty file), or a damaged one
  }
  if (ours.vaultId !== theirs.vaultId)
    throw new OtpError("different-vault", `the two copies are different vaults (ids ${ours.vaultId.slice(0, 8)}… and ${theirs.vaultId.slice(0, 8)}…); nothing merged`, [AFTER]);
  let key: Uint8Array;
  try {
    key = (await masterKeyFor({ ...ctx, stdinIsTTY: false }, ours)).key;
  } catch (err) {
    if (err instanceof AuthError)
      throw new AuthError(err.kind, `merging the vault needs its key: ${err.message}`, ["set OTP_PASSWORD or run `eval \"$(otp unlock)\"` before `git pull`", AFTER]);
    throw err;
  }
  const oursData = openData(ours, key);
  let merged;
  try {
    let theirsData;
    try {
      theirsData = openData(theirs, key);
    } catch (err) {
      if (err instanceof VaultDamagedError) throw new VaultDamagedError(err.kind, `the incoming copy of the vault does not open with this vault's key (${err.message})`);
      throw err;
    }
    merged = mergeVaults(base, { envelope: ours, data: oursData }, { envelope: theirs, data: theirsData });
  } catch (err) {
    if (err instanceof OtpError) throw new (err.constructor as typeof OtpError)(err.kind, err.message, [...err.hints, AFTER]);
    throw err;
  }
  writeFileSync(oursPath, sealAndVerify(merged.envelope, key, merged.data));
  const here = changeSummary(entryChanges(oursData, merged.data));
  ctx.info(`merged the vault entry by entry${here ? ` (${here} here)` : ""}`);
}
