// Unlocked sessions (`otp unlock` / `otp lock`, TESTPLAN §7.6b). The session key S lives
// only in OTP_SESSION="<name>.<S as base64url>"; the file <session dir>/<name>.session holds
// XChaCha20-Poly1305_S(master key ‖ vaultId ‖ expiry), so neither half is any use alone,
// and the file stops working when it expires, on `otp lock`, or when tmpfs is cleared.
import { constants as C, promises as fs, readFileSync } from "node:fs";
import { join } from "node:path";
import { AuthError, OtpError } from "../core/errors.js";
import { concatBytes, open, randomBytes, seal, textBytes, wipe } from "../core/vault/crypto.js";
import { sessionDir, type Env } from "./paths.js";

export const MAX_SESSION_MS = 24 * 3600 * 1000;
const PLAIN_BYTES = 32 + 16 + 8;

const ad = (name: string) => textBytes(`otp-session/v1\0${name}`);
const namePrefix = (vaultId: string) => vaultId.slice(0, 16) + "-";

/** The private folder for session files: created 0700, and refused if anyone else could use it. */
async function privateDir(env: Env): Promise<string> {
  const { dir } = sessionDir(env);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
  const st = await fs.lstat(dir).catch(() => null);
  const uid = process.getuid?.();
  if (!st || !st.isDirectory() || (uid !== undefined && st.uid !== uid) || st.mode & 0o077)
    throw new OtpError("unsafe-permissions", `session folder ${dir} is not a private folder of yours`, ["remove it, or set XDG_RUNTIME_DIR"]);
  return dir;
}

/** Writes a session file for this vault and returns the OTP_SESSION value. */
export async function createSession(env: Env, vaultId: string, masterKey: Uint8Array, expiresAtMs: number, nowMs: number): Promise<string> {
  const dir = await privateDir(env);
  await pruneExpired(dir, nowMs);
  const name = namePrefix(vaultId) + Buffer.from(randomBytes(12)).toString("hex");
  const key = randomBytes(32);
  const expiry = new Uint8Array(8);
  new DataView(expiry.buffer).setBigUint64(0, BigInt(Math.floor(expiresAtMs)), true);
  const plain = concatBytes(masterKey, Buffer.from(vaultId, "hex"), expiry);
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
 * The master key held by the session in OTP_SESSION, for the vault `vaultId`. Throws
 * AuthError `session-invalid` (malformed, unknown, edited, another vault's) or
 * `session-expired` (and removes the expired file).
 */
export async function openSession(env: Env, value: string, vaultId: string, nowMs: number): Promise<Uint8Array> {
  const invalid = new AuthError("session-invalid", "OTP_SESSION is not a valid session for this vault", ["run `otp unlock` again"]);
  const m = /^([0-9a-f]{16}-[0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/.exec(value.trim());
  if (!m) throw invalid;
  const [, name, keyText] = m as unknown as [string, string, string];
  if (!name.startsWith(namePrefix(vaultId))) throw invalid;
  const file = join(sessionDir(env).dir, name + ".session");
  let body: Buffer | null = null;
  try {
    body = readFileSync(file);
  } catch {
    body = null;
  }
  if (!body) throw new AuthError("session-expired", "the session has ended (locked, expired or after a reboot)", ["run `otp unlock` again"]);
  if (body.length !== 24 + PLAIN_BYTES + 16) throw invalid;
  const key = new Uint8Array(Buffer.from(keyText, "base64url"));
  const plain = open(key, body.subarray(0, 24), body.subarray(24), ad(name));
  wipe(key);
  if (!plain || Buffer.from(plain.subarray(32, 48)).toString("hex") !== vaultId) throw invalid;
  const expires = Number(new DataView(plain.buffer, plain.byteOffset + 48, 8).getBigUint64(0, true));
  if (nowMs >= expires) {
    wipe(plain);
    await fs.unlink(file).catch(() => undefined);
    throw new AuthError("session-expired", "the session has expired", ["run `otp unlock` again"]);
  }
  const master = plain.slice(0, 32);
  wipe(plain);
  return master;
}

/** Deletes every session file of this vault (all outstanding OTP_SESSION values die). */
export async function removeSessions(env: Env, vaultId: string): Promise<number> {
  const dir = sessionDir(env).dir;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  let n = 0;
  for (const f of names) {
    if (f.startsWith(namePrefix(vaultId)) && f.endsWith(".session")) {
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
