// The vault file on disk: a careful read, the lock, and the atomic write protocol
// (docs/locking.md): lock → re-read → write tmp (O_EXCL, 0600) → fsync → snapshot of the
// previous vault → check nobody changed it → rename → fsync the folder → prune snapshots.
// A file that could not be read is never overwritten; nothing is written without a snapshot.
import {
  constants as C,
  promises as fs,
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from "node:fs";
import { randomBytes } from "../core/vault/crypto.js";
import { basename, dirname, join } from "node:path";
import { OtpError, VaultDamagedError } from "../core/errors.js";
import { MAX_FILE_BYTES, equalBytes } from "../core/vault/format.js";
import { nativeFs } from "./native-fs.js";
import { snapshotDir, snapshotPrefix } from "./paths.js";
import { lockVault } from "./vault-lock.js";

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
  const why: Record<string, string> = {
    ENOSPC: "no space left on device",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    EIO: "input/output error",
    EDQUOT: "disk quota exceeded",
    EFBIG: "file too large for this process's file-size limit (ulimit -f)",
  };
  return new OtpError("io", `${what}: ${(code && why[code]) || code || "failed"}`);
};

declare const OTP_TEST_HOOKS: boolean | undefined;
/**
 * Crash points for the crash tests (docs/testplan.md D.24): SIGKILL ourselves where OTP_TEST_CRASH_AT
 * names. Only in the test bundle (scripts/build.mjs --test): in the product OTP_TEST_HOOKS is
 * false and this body is compiled away.
 */
function crashPoint(name: string): void {
  if (typeof OTP_TEST_HOOKS === "boolean" && OTP_TEST_HOOKS && process.env.OTP_TEST_CRASH_AT === name) process.kill(process.pid, "SIGKILL");
}

/**
 * Reads the vault without following it into a FIFO or device: opens non-blocking, checks
 * it is a regular file of sane size and safe permissions, then reads it whole.
 * Throws OtpError `no-vault` (missing), `io`, `unsafe-permissions`, or VaultDamagedError.
 */
export async function readVaultFile(path: string): Promise<ReadResult> {
  // Synchronous on purpose: the start-up path of `otp code` avoids fs/promises and streams.
  const { fd, st, warnings } = openChecked(path);
  try {
    const bytes = readWhole(fd, st.size);
    return { bytes, identity: { ...identityOf(st), bytes }, warnings };
  } catch (err) {
    if (err instanceof OtpError) throw err;
    throw ioError(`cannot read ${path}`, err);
  } finally {
    closeSync(fd);
  }
}

/** A vault file open for positioned reads (`otp code` with a session reads a few ranges of it). */
export interface VaultRanges {
  /** the size fstat gave when it was opened */
  size: number;
  warnings: string[];
  /** bytes [start, end) of the file as opened: the same file even if an atomic write replaced it meanwhile */
  read(start: number, end: number): Uint8Array;
  /** the whole file as opened, read once */
  whole(): Uint8Array;
  close(): void;
}

// A VaultRanges dropped without close() (a command that ended by an error) still gives its
// descriptor back; a process that exits gives all back anyway.
const closeLater = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/** Opens the vault as readVaultFile does (same checks, same errors) and reads nothing yet. */
export async function openVaultRanges(path: string): Promise<VaultRanges> {
  const { fd, st, warnings } = openChecked(path);
  let open = true;
  let whole: Uint8Array | undefined;
  const fail = (err: unknown) => (err instanceof OtpError ? err : ioError(`cannot read ${path}`, err));
  const ranges: VaultRanges = {
    size: st.size,
    warnings,
    read(start, end) {
      if (whole) return whole.subarray(start, end);
      if (!open) throw new Error("vault file closed");
      start = Math.max(0, Math.min(start, st.size));
      end = Math.max(start, Math.min(end, st.size));
      const buf = Buffer.allocUnsafe(end - start);
      try {
        for (let off = 0; off < buf.length;) {
          const n = readSync(fd, buf, off, buf.length - off, start + off);
          // A file truncated meanwhile (not by otp: its writes replace the file): what is missing fails authentication.
          if (n === 0) return new Uint8Array(buf.buffer, buf.byteOffset, off);
          off += n;
        }
      } catch (err) {
        throw fail(err);
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    },
    whole() {
      if (whole) return whole;
      if (!open) throw new Error("vault file closed");
      try {
        whole = readWhole(fd, st.size);
      } catch (err) {
        throw fail(err);
      }
      ranges.close();
      return whole;
    },
    close() {
      if (!open) return;
      open = false;
      closeLater.unregister(ranges);
      closeSync(fd);
    },
  };
  closeLater.register(ranges, fd, ranges);
  return ranges;
}

/** The vault opened non-blocking and checked: a regular file, at most 16 MiB, safe permissions. */
function openChecked(path: string): { fd: number; st: Stats; warnings: string[] } {
  let fd: number;
  try {
    fd = openSync(path, C.O_RDONLY | C.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new OtpError("no-vault", `no vault at ${path}`, ["run `otp init` to create one, or point --vault / OTP_VAULT at yours"]);
    if (code === "EACCES") throw new OtpError("io", `vault ${path} is not readable: permission denied`);
    throw ioError(`cannot open ${path}`, err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new VaultDamagedError("not-a-vault", `${path} is not a regular file`);
    if (st.size > MAX_FILE_BYTES) throw new VaultDamagedError("corrupted", "vault file is damaged (larger than 16 MiB)");
    return { fd, st, warnings: checkPermissions(realVaultPath(path), st) };
  } catch (err) {
    closeSync(fd);
    if (err instanceof OtpError) throw err;
    throw ioError(`cannot read ${path}`, err);
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
    const n = readSync(fd, buf, off, buf.length - off, off);
    if (n === 0) break;
    off += n;
    if (off > MAX_FILE_BYTES) throw new VaultDamagedError("corrupted", "vault file is damaged (larger than 16 MiB)");
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, off);
}

function identityOf(st: { dev: number; ino: number; size: number; mtimeMs: number }): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * Checked on the real file and its real folder (a symlinked vault's link folder says nothing):
 * a vault or folder that another user owns or can write is refused; one others can read, warned.
 */
function checkPermissions(path: string, st: { mode: number; uid: number }): string[] {
  const warnings: string[] = [];
  const uid = process.getuid?.();
  const foreign = (owner: number) => uid !== undefined && owner !== uid && owner !== 0;
  if (foreign(st.uid))
    throw new OtpError("unsafe-permissions", `the vault ${path} belongs to another user`, [
      "copy it to a file of your own (and check it is yours), then point --vault at that",
    ]);
  if (st.mode & 0o022)
    throw new OtpError("unsafe-permissions", `permissions too open on ${path}: others can write it`, [
      `run \`chmod 600 ${path}\` after checking nobody changed it`,
    ]);
  if (st.mode & 0o044) warnings.push(`permissions too open on ${path}: others can read it (run \`chmod 600 ${path}\`)`);
  const dir = dirname(path);
  const d = statSync(dir);
  if (foreign(d.uid))
    throw new OtpError("unsafe-permissions", `the vault's folder ${dir} belongs to another user, who could replace the vault`, [
      "keep the vault in a folder of your own (the default is ~/.local/share/otp)",
    ]);
  if (d.mode & 0o022 && !(d.mode & 0o1000))
    throw new OtpError("unsafe-permissions", `permissions too open on ${dir}: others can write the vault's folder`, [
      `run \`chmod 700 ${dir}\``,
    ]);
  return warnings;
}

/**
 * The vault's real path: symlinks resolved (of the file, or of its folder when there is no file
 * yet). Lock, read, check, snapshot and write all use it, so two otp processes that reach one
 * vault by different paths share one lock and one folder of snapshots.
 */
export function realVaultPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/**
 * Runs fn while holding the vault's lock (vault-lock.ts: a kernel lock on `<vault>.lock`, or a
 * lock folder where there is none), taken on the vault's real path. Waits about 12 s for a busy
 * vault, then throws OtpError `busy`. fn gets the real path and a check to call just before its
 * rename: it throws when the lock was lost meanwhile.
 */
export async function withLock<T>(vault: string, fn: (stillHeld: () => void, realPath: string) => Promise<T>): Promise<T> {
  const real = realVaultPath(vault);
  const lock = await lockVault(real);
  try {
    return await fn(() => lock.stillHeld(), real);
  } finally {
    lock.release();
  }
}

/**
 * Writes bytes as the new vault. `expect` is the identity read under the lock (null for a
 * new vault, which must not exist). Keeps a snapshot of the previous vault and refuses to
 * replace a vault that changed on disk since it was read. Returns warnings (pruning).
 * The replacement is a compare-and-swap where the file system can swap two paths atomically:
 * the new file and the vault change places, and if what came out is not the vault that was
 * read, they change back and nothing is written, so even two writers that both believed they
 * held the lock cannot lose each other's change. Elsewhere: check, then rename, under the lock.
 */
export async function writeVaultAtomic(
  vaultPath: string,
  bytes: Uint8Array,
  expect: FileIdentity | null,
  stillHeld: () => void = () => undefined,
): Promise<string[]> {
  // A symlinked vault (into a sync folder, say) stays a symlink: replace the file it points to.
  const path = realVaultPath(vaultPath);
  const dir = dirname(path);
  const tmp = join(dir, `${tmpPrefix(path)}${Buffer.from(randomBytes(6)).toString("hex")}.tmp`);
  try {
    // Under the lock, any temporary file beside the vault was left by a write that crashed.
    if (expect) await removeLeftovers(path);
    await writeTmp(tmp, bytes);
    crashPoint("after-fsync");
    if (expect) {
      await keepSnapshot(path);
      crashPoint("after-snapshot");
      await checkUnchanged(path, expect);
      stillHeld();
      // After a swap, tmp holds the old vault (kept as its snapshot too): remove that name.
      if (swapIn(tmp, path, expect)) await fs.unlink(tmp).catch(() => undefined);
      else await fs.rename(tmp, path).catch((err) => Promise.reject(ioError("cannot replace the vault", err)));
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

const tmpPrefix = (path: string) => `.${basename(path)}.`;

const changedOnDisk = (hints: string[] = ["run the command again"]) =>
  new OtpError("changed-on-disk", "vault changed on disk while otp was writing; nothing written", hints);

function sameIdentity(
  now: { dev: number; ino: number; size: number; mtimeMs: number },
  expect: FileIdentity,
  bytesNow: () => Uint8Array,
): boolean {
  return (
    now.dev === expect.dev &&
    now.ino === expect.ino &&
    now.size === expect.size &&
    now.mtimeMs === expect.mtimeMs &&
    (expect.bytes === undefined || equalBytes(bytesNow(), expect.bytes))
  );
}

async function checkUnchanged(path: string, expect: FileIdentity): Promise<void> {
  let now;
  try {
    now = identityOf(await fs.stat(path));
  } catch (err) {
    throw changedOnDisk([`${(err as NodeJS.ErrnoException).code ?? ""}`.trim()].filter(Boolean));
  }
  if (!sameIdentity(now, expect, () => readFileSync(path))) throw changedOnDisk();
}

/**
 * Swaps tmp and the vault when the file system can, and checks that what came out is the vault
 * that was read; if not, swaps back and throws changed-on-disk. false: no swap here (rename).
 */
function swapIn(tmp: string, path: string, expect: FileIdentity): boolean {
  const native = nativeFs();
  if (!native) return false;
  try {
    native.swap(tmp, path);
  } catch {
    return false; // EINVAL (NFS, some FUSE), ENOSYS, …: the lock alone guards the rename
  }
  let out;
  try {
    out = identityOf(lstatSync(tmp));
  } catch {
    out = null;
  }
  if (out && sameIdentity(out, expect, () => readFileSync(tmp))) return true;
  native.swap(tmp, path);
  throw changedOnDisk();
}

/** Temporary files of writes that crashed (only ever called under the lock). */
async function removeLeftovers(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = tmpPrefix(path);
  for (const name of await fs.readdir(dir).catch(() => [] as string[]))
    if (name.startsWith(prefix) && name.endsWith(".tmp")) await fs.unlink(join(dir, name)).catch(() => undefined);
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
  const stamp = new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.(\d+)Z$/, "$1Z");
  const target = join(dir, `${snapshotPrefix(path)}${stamp}.${Buffer.from(randomBytes(3)).toString("hex")}.otp`);
  try {
    await fs.mkdir(dir, { mode: 0o700 }).catch((err) => (err.code === "EEXIST" ? undefined : Promise.reject(err)));
  } catch (err) {
    throw ioError("cannot keep a snapshot of the vault, so nothing was written", err);
  }
  // A snapshots "folder" that is a link elsewhere, or a folder others can use, would hand old
  // copies of the vault to whoever made it: refuse it.
  const st = await fs.lstat(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || st.mode & 0o077)
    throw new OtpError(
      "unsafe-permissions",
      `${dir} is not a private folder of yours (${st.isSymbolicLink() ? "a symbolic link" : !st.isDirectory() ? "not a folder" : st.mode & 0o077 ? "others can use it" : "another user's"}), so no snapshot could be kept and nothing was written`,
      [
        st.isDirectory() && !st.isSymbolicLink() && !(uid !== undefined && st.uid !== uid)
          ? `run \`chmod 700 ${dir}\``
          : `move it away (\`mv ${dir} ${dir}.suspect\`) and check what it holds`,
      ],
    );
  try {
    await fs.link(path, target).catch(() => fs.copyFile(path, target, C.COPYFILE_EXCL));
  } catch (err) {
    throw ioError("cannot keep a snapshot of the vault, so nothing was written", err);
  }
}

/** The vault's snapshots, newest first. */
export async function listSnapshots(vaultPath: string): Promise<string[]> {
  const path = realVaultPath(vaultPath);
  const dir = snapshotDir(path);
  const prefix = snapshotPrefix(path);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith(".otp"))
    .sort()
    .reverse()
    .map((n) => join(dir, n));
}

async function pruneSnapshots(path: string): Promise<string[]> {
  try {
    for (const old of (await listSnapshots(path)).slice(KEEP_SNAPSHOTS)) await fs.unlink(old);
    return [];
  } catch (err) {
    return [`could not prune old snapshots (${(err as NodeJS.ErrnoException).code ?? "error"}); the vault was saved`];
  }
}
