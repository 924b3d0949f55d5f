// The vault file on disk: a careful read, the lock, and the atomic write protocol
// (TESTPLAN §7.4): lock → re-read → write tmp (O_EXCL, 0600) → fsync → snapshot of the
// previous vault → check nobody changed it → rename → fsync the folder → prune snapshots.
// A file that could not be read is never overwritten; nothing is written without a snapshot.
import { constants as C, promises as fs, closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { randomBytes } from "../core/vault/crypto.js";
import { basename, dirname, join } from "node:path";
import { OtpError, VaultDamagedError } from "../core/errors.js";
import { MAX_FILE_BYTES, equalBytes } from "../core/vault/format.js";
import { loadPackage } from "../core/load.js";
import { lockPath, snapshotDir, snapshotPrefix } from "./paths.js";

export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** The bytes read: stat alone misses a same-size rewrite within one timestamp tick. */
  bytes?: Uint8Array;
}

export interface ReadResult {
  bytes: Uint8Array;
  identity: FileIdentity;
  warnings: string[];
}

export const KEEP_SNAPSHOTS = 10;

const ioError = (what: string, err: unknown) => {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why: Record<string, string> = { ENOSPC: "no space left on device", EACCES: "permission denied", EPERM: "operation not permitted", EROFS: "read-only file system", EIO: "input/output error", EDQUOT: "disk quota exceeded" };
  return new OtpError("io", `${what}: ${(code && why[code]) || code || "failed"}`);
};

/** Test-only crash points (TESTPLAN D.24): SIGKILL ourselves where OTP_TEST_CRASH_AT names. */
function crashPoint(name: string): void {
  if (process.env.OTP_TEST_CRASH_AT === name) process.kill(process.pid, "SIGKILL");
}

/**
 * Reads the vault without following it into a FIFO or device: opens non-blocking, checks
 * it is a regular file of sane size and safe permissions, then reads it whole.
 * Throws OtpError `no-vault` (missing), `io`, `unsafe-permissions`, or VaultDamagedError.
 */
export async function readVaultFile(path: string): Promise<ReadResult> {
  // Synchronous on purpose: the start-up path of `otp code` avoids fs/promises and streams.
  let fd: number;
  try {
    fd = openSync(path, C.O_RDONLY | C.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new OtpError("no-vault", `no vault at ${path}`, ["run `otp init` to create one, or point --vault / OTP_VAULT at yours"]);
    if (code === "EACCES") throw new OtpError("io", `vault ${path} is not readable: permission denied`);
    throw ioError(`cannot open ${path}`, err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new VaultDamagedError("not-a-vault", `${path} is not a regular file`);
    if (st.size > MAX_FILE_BYTES) throw new VaultDamagedError("corrupted", "vault file is damaged (larger than 16 MiB)");
    const warnings = checkPermissions(path, st.mode);
    const bytes = readWhole(fd, st.size);
    return { bytes, identity: { ...identityOf(st), bytes }, warnings };
  } catch (err) {
    if (err instanceof OtpError) throw err;
    throw ioError(`cannot read ${path}`, err);
  } finally {
    closeSync(fd);
  }
}

/**
 * The file's bytes in one buffer of the size fstat gave, as a plain Uint8Array view: readFileSync
 * on a descriptor reads 64 KiB chunks and joins them, and a copy on top cost a 4 MB vault ~30 ms.
 * A file that grew meanwhile is read to its end all the same.
 */
function readWhole(fd: number, size: number): Uint8Array {
  let buf = Buffer.allocUnsafe(size + 1);
  let off = 0;
  for (;;) {
    if (off === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger);
      buf = bigger;
    }
    const n = readSync(fd, buf, off, buf.length - off, null);
    if (n === 0) break;
    off += n;
    if (off > MAX_FILE_BYTES) throw new VaultDamagedError("corrupted", "vault file is damaged (larger than 16 MiB)");
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, off);
}

function identityOf(st: { dev: number; ino: number; size: number; mtimeMs: number }): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

/** Group/world-writable vault or folder: refuse. Readable by others: warn. */
function checkPermissions(path: string, mode: number): string[] {
  const warnings: string[] = [];
  if (mode & 0o022) throw new OtpError("unsafe-permissions", `permissions too open on ${path}: others can write it`, [`run \`chmod 600 ${path}\` after checking nobody changed it`]);
  if (mode & 0o044) warnings.push(`permissions too open on ${path}: others can read it (run \`chmod 600 ${path}\`)`);
  const dir = dirname(path);
  const d = statSync(dir);
  if (d.mode & 0o022 && !(d.mode & 0o1000)) throw new OtpError("unsafe-permissions", `permissions too open on ${dir}: others can write the vault's folder`, [`run \`chmod 700 ${dir}\``]);
  return warnings;
}

/**
 * Runs fn while holding the vault's lock (a lock folder beside it, refreshed while held and
 * reclaimed 10 s after a holder died). Waits about 12 s for a busy vault, then throws
 * OtpError `busy`. fn gets a check to call just before its rename: it throws when the lock
 * was lost meanwhile.
 */
export async function withLock<T>(vault: string, fn: (stillHeld: () => void) => Promise<T>): Promise<T> {
  const lockfile = await loadPackage<typeof import("proper-lockfile")>("proper-lockfile");
  let compromised = false;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(vault, {
      lockfilePath: lockPath(vault),
      realpath: false,
      stale: 10_000,
      update: 2_000,
      retries: { retries: 33, factor: 1.2, minTimeout: 50, maxTimeout: 500, randomize: true },
      onCompromised: () => {
        compromised = true;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOCKED")
      throw new OtpError("busy", `vault is busy: another otp holds ${lockPath(vault)}`, ["try again; a lock left by a crashed otp is released after 10 s"]);
    throw ioError(`cannot lock the vault`, err);
  }
  try {
    return await fn(() => {
      if (compromised) throw new OtpError("changed-on-disk", "lost the vault's lock; nothing written");
    });
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * Writes bytes as the new vault. `expect` is the identity read under the lock (null for a
 * new vault, which must not exist). Keeps a snapshot of the previous vault and refuses to
 * replace a vault that changed on disk since it was read. Returns warnings (pruning).
 */
export async function writeVaultAtomic(vaultPath: string, bytes: Uint8Array, expect: FileIdentity | null, stillHeld: () => void = () => undefined): Promise<string[]> {
  // A symlinked vault (into a sync folder, say) stays a symlink: replace the file it points to.
  const path = await fs.realpath(vaultPath).catch(() => vaultPath);
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${Buffer.from(randomBytes(6)).toString("hex")}.tmp`);
  try {
    await writeTmp(tmp, bytes);
    crashPoint("after-fsync");
    if (expect) {
      await keepSnapshot(path);
      crashPoint("after-snapshot");
      let now;
      try {
        now = identityOf(await fs.stat(path));
      } catch (err) {
        throw new OtpError("changed-on-disk", "vault changed on disk while otp was writing; nothing written", [`${(err as NodeJS.ErrnoException).code ?? ""}`.trim()].filter(Boolean));
      }
      if (now.dev !== expect.dev || now.ino !== expect.ino || now.size !== expect.size || now.mtimeMs !== expect.mtimeMs || (expect.bytes !== undefined && !equalBytes(await fs.readFile(path), expect.bytes)))
        throw new OtpError("changed-on-disk", "vault changed on disk while otp was writing; nothing written", ["run the command again"]);
      stillHeld();
      await fs.rename(tmp, path).catch((err) => Promise.reject(ioError("cannot replace the vault", err)));
    } else {
      stillHeld();
      // link() never replaces an existing file: a vault that appeared meanwhile is safe.
      await fs.link(tmp, path).catch((err) => {
        if (err.code === "EEXIST") throw new OtpError("vault-exists", `a vault already exists at ${path}; it was left untouched`);
        throw ioError("cannot create the vault", err);
      });
      await fs.unlink(tmp);
    }
    crashPoint("after-rename");
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
  return expect ? pruneSnapshots(path) : [];
}

async function writeTmp(tmp: string, bytes: Uint8Array): Promise<void> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
  } catch (err) {
    throw ioError("cannot write beside the vault", err);
  }
  try {
    await fh.writeFile(bytes);
    crashPoint("mid-write");
    await fh.sync();
  } catch (err) {
    throw ioError("cannot write the new vault", err);
  } finally {
    await fh.close();
  }
}

/** Folder fsync makes the rename durable; some file systems refuse it, which is fine. */
async function fsyncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(dir, C.O_RDONLY);
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EISDIR" && code !== "EPERM") throw ioError("cannot sync the vault's folder", err);
  } finally {
    await fh?.close();
  }
}

/** Hard-links (or, across devices, copies) the current vault into snapshots/. Failing aborts the write. */
async function keepSnapshot(path: string): Promise<void> {
  const dir = snapshotDir(path);
  // Names sort in write order even when the clock stands still or steps back: never older
  // than the newest snapshot (writers are serialised by the lock).
  let ms = Date.now();
  const newest = (await listSnapshots(path))[0];
  const m = newest && /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z\./.exec(basename(newest).slice(snapshotPrefix(path).length));
  if (m) ms = Math.max(ms, Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!) + 1);
  const stamp = new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.(\d+)Z$/, "$1Z");
  const target = join(dir, `${snapshotPrefix(path)}${stamp}.${Buffer.from(randomBytes(3)).toString("hex")}.otp`);
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.link(path, target).catch(() => fs.copyFile(path, target, C.COPYFILE_EXCL));
  } catch (err) {
    throw ioError("cannot keep a snapshot of the vault, so nothing was written", err);
  }
}

/** The vault's snapshots, newest first. */
export async function listSnapshots(vaultPath: string): Promise<string[]> {
  const path = await fs.realpath(vaultPath).catch(() => vaultPath);
  const dir = snapshotDir(path);
  const prefix = snapshotPrefix(path);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix) && n.endsWith(".otp")).sort().reverse().map((n) => join(dir, n));
}

async function pruneSnapshots(path: string): Promise<string[]> {
  try {
    for (const old of (await listSnapshots(path)).slice(KEEP_SNAPSHOTS)) await fs.unlink(old);
    return [];
  } catch (err) {
    return [`could not prune old snapshots (${(err as NodeJS.ErrnoException).code ?? "error"}); the vault was saved`];
  }
}
