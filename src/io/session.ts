// Unlocked sessions (`otp unlock` / `otp lock`, docs/threat-model.md "Sessions"). The session key S lives
// only in OTP_SESSION="<name>.<S as base64url>", where <name> is "<first 16 hex of the vaultId>-
// <first 8 hex of F>-<24 random hex>" and F = SHA-256("otp-session-file\0" ‖ the vault file's real
// path). The file <session dir>/<name>.session holds nonce (24 bytes) ‖ XChaCha20-Poly1305_S(
// master key (32) ‖ vaultId (16) ‖ F's first 16 bytes ‖ expiry (8) ‖ key generation (8) ‖
// duration (8) ‖ uptime at unlock (8) ‖ boot id (16)), numbers as little-endian u64 (ms), with
// AD "otp-session/v3\0<name>"; so neither half is any use alone, and the file stops working when it
// expires, on `otp lock`, when tmpfs is cleared, and when the vault's keys change (`otp passwd`,
// `otp recovery-key new`, a sync that brings another machine's new keys): a session is bound to
// the key generation it was made under, so one made from an old copy opens nothing newer.
// A session belongs to one vault file: a copy of the vault elsewhere (restored into another
// home) shares its vaultId and the session folder, but neither opens the other's sessions nor
// ends them. Expiry is checked on two clocks: the wall clock, and the time since boot (which no
// clock change moves): a session never outlives its duration in real time, and never a reboot.
import { MAX_SESSION_MS } from "../core/limits.js";
import { constants as C, promises as fs, readFileSync, realpathSync } from "node:fs";
import { uptime } from "node:os";
import { join, resolve } from "node:path";
import { AuthError, OtpError } from "../core/errors.js";
import { concatBytes, open, randomBytes, seal, sha256, textBytes, wipe } from "../core/vault/crypto.js";
import { generationOf, type Envelope } from "../core/vault/format.js";

/** What a session is bound to: the vault's id and key generation. */
export type SessionVault = Pick<Envelope, "vaultId" | "ext">;
import { sessionDir, type Env } from "./paths.js";

const PLAIN_BYTES = 32 + 16 + 16 + 8 + 8 + 8 + 8 + 16;

const ad = (name: string) => textBytes(`otp-session/v3\0${name}`);

/** F of the top comment: which vault file, by its real path (a symlink names its target's). */
function fileTag(vaultFile: string): Buffer {
  let real: string;
  try {
    real = realpathSync(vaultFile);
  } catch {
    real = resolve(vaultFile);
  }
  return Buffer.from(sha256(textBytes(`otp-session-file\0${real}`)));
}

const namePrefix = (vaultId: string, file: Buffer) => `${vaultId.slice(0, 16)}-${file.subarray(0, 4).toString("hex")}-`;

/** This boot's id as 16 bytes (Linux); zeros where there is none. */
function bootId(): Uint8Array {
  try {
    const hex = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().replace(/-/g, "");
    if (/^[0-9a-f]{32}$/.test(hex)) return new Uint8Array(Buffer.from(hex, "hex"));
  } catch {
    // not Linux
  }
  return new Uint8Array(16);
}

const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(n))), true);
  return b;
};
const readU64 = (b: Uint8Array, at: number) => Number(new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true));
const uptimeMs = () => Math.floor(uptime() * 1000);

/** The private folder for session files: created 0700, and refused if anyone else could use it. */
async function privateDir(env: Env): Promise<string> {
  const { dir } = sessionDir(env);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
  const st = await fs.lstat(dir).catch(() => null);
  const uid = process.getuid?.();
  if (!st || !st.isDirectory() || (uid !== undefined && st.uid !== uid) || st.mode & 0o077)
    throw new OtpError("unsafe-permissions", `session folder ${dir} is not a private folder of yours`, [
      "remove it, or set XDG_RUNTIME_DIR",
    ]);
  return dir;
}

/** Writes a session file for this vault file (at its key generation) and returns the OTP_SESSION value. */
export async function createSession(
  env: Env,
  vault: SessionVault,
  masterKey: Uint8Array,
  expiresAtMs: number,
  nowMs: number,
  vaultFile: string,
): Promise<string> {
  const dir = await privateDir(env);
  await pruneExpired(dir, nowMs);
  const file = fileTag(vaultFile);
  const name = namePrefix(vault.vaultId, file) + Buffer.from(randomBytes(12)).toString("hex");
  const key = randomBytes(32);
  const plain = concatBytes(
    masterKey,
    Buffer.from(vault.vaultId, "hex"),
    file.subarray(0, 16),
    u64(expiresAtMs),
    u64(generationOf(vault)),
    u64(expiresAtMs - nowMs),
    u64(uptimeMs()),
    bootId(),
  );
  const nonce = randomBytes(24);
  const body = concatBytes(nonce, seal(key, nonce, plain, ad(name)));
  wipe(plain);
  const fh = await fs.open(join(dir, name + ".session"), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
  try {
    await fh.writeFile(body);
  } finally {
    await fh.close();
  }
  return `${name}.${Buffer.from(key).toString("base64url")}`;
}

/**
 * The master key held by the session in OTP_SESSION, for the vault file `vaultFile` at its key
 * generation. Without `vaultFile` the envelope is a copy of the vault, not a vault file (a
 * backup being opened): any session of this vault at this key generation opens it.
 * Throws AuthError `session-invalid` (malformed, unknown, edited, another vault's or another
 * vault file's) or `session-expired` (past its time on either clock, after a reboot, or made
 * under keys the vault no longer has; an expired file is removed).
 */
export async function openSession(env: Env, value: string, vault: SessionVault, nowMs: number, vaultFile?: string): Promise<Uint8Array> {
  const vaultId = vault.vaultId;
  const invalid = new AuthError("session-invalid", "OTP_SESSION is not a valid session for this vault", ["run `otp unlock` again"]);
  const m = /^(([0-9a-f]{16})-([0-9a-f]{8})-[0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/.exec(value.trim());
  if (!m) throw invalid;
  const [, name, idPart, filePart, keyText] = m as unknown as [string, string, string, string, string];
  if (idPart !== vaultId.slice(0, 16)) throw invalid;
  const tag = vaultFile === undefined ? null : fileTag(vaultFile);
  if (tag && filePart !== tag.subarray(0, 4).toString("hex"))
    throw new AuthError("session-invalid", "OTP_SESSION is a session of another file of this vault (a copy elsewhere), not of this one", [
      "run `otp unlock` for this vault file",
    ]);
  const file = join(sessionDir(env).dir, name + ".session");
  let body: Buffer | null = null;
  try {
    body = readFileSync(file);
  } catch {
    body = null;
  }
  if (!body)
    throw new AuthError("session-expired", "the session has ended (locked, expired or after a reboot)", ["run `otp unlock` again"]);
  if (body.length !== 24 + PLAIN_BYTES + 16) throw invalid;
  const key = new Uint8Array(Buffer.from(keyText, "base64url"));
  const plain = open(key, body.subarray(0, 24), body.subarray(24), ad(name));
  wipe(key);
  if (!plain) throw invalid;
  if (
    Buffer.from(plain.subarray(32, 48)).toString("hex") !== vaultId ||
    (tag && !Buffer.from(plain.subarray(48, 64)).equals(tag.subarray(0, 16)))
  ) {
    wipe(plain);
    throw invalid;
  }
  const expires = readU64(plain, 64);
  const generation = readU64(plain, 72);
  const duration = readU64(plain, 80);
  const madeAtUptime = readU64(plain, 88);
  const boot = plain.subarray(96, 112);
  const sameBoot = Buffer.from(boot).equals(Buffer.from(bootId()));
  const expired = nowMs >= expires || !sameBoot || uptimeMs() - madeAtUptime >= duration || uptimeMs() < madeAtUptime;
  if (expired || generation !== generationOf(vault)) {
    wipe(plain);
    if (expired) {
      await fs.unlink(file).catch(() => undefined);
      throw new AuthError("session-expired", "the session has expired", ["run `otp unlock` again"]);
    }
    throw new AuthError(
      "session-expired",
      "the session was made under keys the vault no longer has (its password or recovery key changed since `otp unlock`)",
      ["run `otp unlock` again"],
    );
  }
  const master = plain.slice(0, 32);
  wipe(plain);
  return master;
}

/** Deletes every session file of this vault file (its outstanding OTP_SESSION values die; a copy's live on). */
export async function removeSessions(env: Env, vaultId: string, vaultFile: string): Promise<number> {
  const dir = sessionDir(env).dir;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const prefix = namePrefix(vaultId, fileTag(vaultFile));
  let n = 0;
  for (const f of names) {
    if (f.startsWith(prefix) && f.endsWith(".session")) {
      await fs.unlink(join(dir, f));
      n++;
    }
  }
  return n;
}

/** Removes session files whose expiry has passed; needs no key, since mtime + 24 h bounds them. */
async function pruneExpired(dir: string, nowMs: number): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const f of names) {
    if (!f.endsWith(".session")) continue;
    const st = await fs.stat(join(dir, f)).catch(() => null);
    if (st && nowMs - st.mtimeMs > MAX_SESSION_MS) await fs.unlink(join(dir, f)).catch(() => undefined);
  }
}
