// Opening the vault for a command and writing changes back. The key comes from, first that
// applies: --password-file, OTP_PASSWORD, OTP_SESSION, a hidden prompt on a terminal;
// otherwise exit 4. Writes take the lock and re-read the vault under it; the KDF and any
// prompt happen before the lock, so a slow typist never blocks other otp processes.
import { readFileSync } from "node:fs";
import { AuthError, InputError, OtpError, VaultDamagedError } from "../core/errors.js";
import { critical } from "../io/signals.js";
import { parseEnvelope, type Envelope } from "../core/vault/format.js";
import type { VaultData } from "../core/vault/model.js";
import { openData, sealAndVerify, unlockWithPassword } from "../core/vault/vault.js";
import { readVaultFile, withLock, writeVaultAtomic } from "../io/vault-file.js";
import { openSession } from "../io/session.js";
import { withSpinner } from "../io/spinner.js";
import type { Ctx } from "./context.js";

export interface OpenedVault {
  envelope: Envelope;
  masterKey: Uint8Array;
  data: VaultData;
  readOnly: boolean;
}

/** Reads and parses the vault file without a key (checksum, structure, caps: no KDF). */
export async function readEnvelope(ctx: Ctx): Promise<{ envelope: Envelope; readOnly: boolean }> {
  const file = await readVaultFile(ctx.vaultPath);
  for (const w of file.warnings) ctx.warn(w);
  return parseEnvelope(file.bytes);
}

/** The vault, unlocked and decrypted. Throws AuthError (4), VaultDamagedError (5), OtpError (1). */
export async function openVault(ctx: Ctx): Promise<OpenedVault> {
  const { envelope, readOnly } = await readEnvelope(ctx);
  const masterKey = await masterKeyFor(ctx, envelope);
  return { envelope, masterKey, data: openData(envelope, masterKey), readOnly };
}

/** Reads the password file's first line, without its line ending. `-` is standard input. */
export async function readPasswordFile(ctx: Ctx, file: string): Promise<string> {
  let text: string;
  try {
    text = file === "-" ? await ctx.readStdin() : readFileSync(file, "utf8");
  } catch {
    throw new AuthError("no-password-source", `cannot read the password file ${file}`);
  }
  const line = text.split("\n")[0]!.replace(/\r$/, "");
  if (line === "") throw new AuthError("no-password-source", `the password file ${file} is empty`);
  return line;
}

async function masterKeyFor(ctx: Ctx, envelope: Envelope): Promise<Uint8Array> {
  // The KDF blocks for a moment: a spinner on a terminal if it takes over 300 ms.
  const unlock = (password: string) => withSpinner(ctx.stderrIsTTY, "unlocking the vault…", () => unlockWithPassword(envelope, password));
  if (ctx.passwordFile) return unlock(await readPasswordFile(ctx, ctx.passwordFile));
  if (ctx.env.OTP_PASSWORD) return unlock(ctx.env.OTP_PASSWORD);
  if (ctx.env.OTP_SESSION) {
    try {
      return await openSession(ctx.env, ctx.env.OTP_SESSION, envelope.vaultId, ctx.now());
    } catch (err) {
      if (!(err instanceof AuthError) || !ctx.stdinIsTTY) throw err;
      ctx.warn(`${err.message}; asking for the password instead`);
    }
  }
  if (!ctx.stdinIsTTY)
    throw new AuthError("no-password-source", "no password given and no terminal to ask on", [
      "set OTP_PASSWORD, pass --password-file FILE, or run `eval \"$(otp unlock)\"` first",
    ]);
  const { askSecret } = await import("../io/prompts.js");
  for (let attempt = 1; ; attempt++) {
    const password = await askSecret("Vault password:");
    try {
      return await unlock(password);
    } catch (err) {
      if (!(err instanceof AuthError) || attempt >= 3) throw err;
      ctx.warn("wrong password, try again");
    }
  }
}

/**
 * Applies fn to the vault's current data under the lock and writes the result atomically.
 * fn may throw to abort (nothing is written). Returns fn's result once the new vault is
 * on disk (fsync'd): callers print only after this, so an HOTP code is never shown unsaved.
 */
export async function updateVault<T>(ctx: Ctx, opened: OpenedVault, fn: (data: VaultData) => { data: VaultData; result: T }): Promise<T> {
  if (opened.readOnly) throw readOnlyError();
  return withLock(ctx.vaultPath, (stillHeld) =>
    critical(async () => {
      const file = await readVaultFile(ctx.vaultPath);
      const { envelope, readOnly } = parseEnvelope(file.bytes);
      if (readOnly) throw readOnlyError();
      if (envelope.vaultId !== opened.envelope.vaultId)
        throw new OtpError("changed-on-disk", "the vault was replaced by another vault meanwhile; nothing written", ["run the command again"]);
      const current = openData(envelope, opened.masterKey);
      const { data, result } = fn(current);
      const bytes = sealAndVerify(envelope, opened.masterKey, data);
      const warnings = await writeVaultAtomic(ctx.vaultPath, bytes, file.identity, stillHeld);
      for (const w of warnings) ctx.warn(w);
      opened.data = data;
      return result;
    }),
  );
}

function readOnlyError(): VaultDamagedError {
  return new VaultDamagedError("read-only-newer-minor", "read-only: vault written by a newer otp", ["upgrade otp to change this vault"]);
}

/** Refuses values on the command line that look like a seed or an otpauth URI (TESTPLAN 45). */
export function refuseSecretInArgv(value: string | undefined, what: string): void {
  if (value === undefined) return;
  const packed = value.replace(/[\s-]/g, "");
  // Base32 of 16+ characters with a digit 2–7 (a random seed has one ~96% of the time), or in
  // groups of four as Google's "can't scan it?" key shows it, in either case. Long all-letter
  // names like GITHUBENTERPRISE or "personal email account" still pass.
  const grouped = /^[a-z2-7]{4}(?:[\s-]+[a-z2-7]{4})+(?:[\s-]+[a-z2-7]{1,4})?=*$/i.test(value.trim());
  const seedLike = /^[A-Za-z2-7]{16,}=*$/.test(packed) && (/[2-7]/.test(packed) || grouped);
  if (/^otpauth(-migration)?:/i.test(value) || seedLike)
    throw new InputError("secret-on-command-line", `${what} looks like a secret or an otpauth URI`, [
      "it is now in your shell history; give secrets with --stdin or at the prompt (`otp add --help`)",
    ]);
}
