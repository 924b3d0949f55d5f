// One writer at a time on a vault, whatever the writers' clocks (docs/locking.md).
// - Where the kernel can lock (fs-native-extensions loads, and the file system takes locks):
//   `<vault>.lock`, a plain 0600 file that otp never deletes, held with an exclusive lock on an
//   open descriptor. Two processes can never both hold it, and a holder that dies (kill -9,
//   SIGTERM mid-way, a crash) lets go that instant. Staleness is never guessed.
// - Elsewhere (no prebuilt addon for this platform, or a file system without locks, ENOLCK):
//   `<vault>.lock.d`, a folder made with mkdir, holding who made it (host, boot, pid, the pid's
//   start time) and a heartbeat counter it bumps every second. A waiter calls it stale when its
//   holder is provably dead on this host (pid gone or reused), or, for a holder on another host,
//   when the heartbeat has not moved for 15 s of the waiter's own monotonic clock: no time
//   stamp is ever compared with a clock.
// An older otp's lock (a folder named `<vault>.lock` whose mtime its holder refreshed every 2 s)
// is waited for while that mtime moves, and removed once it stands still for 5 s.
import {
  constants as C,
  closeSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { OtpError } from "../core/errors.js";
import { randomBytes } from "../core/vault/crypto.js";
import { nativeFs, type NativeFs } from "./native-fs.js";

export interface VaultLock {
  /** "kernel" or "folder": which of the two mechanisms holds it */
  mode: "kernel" | "folder";
  /** Throws OtpError `changed-on-disk` when the lock is no longer ours (its file or folder was replaced). */
  stillHeld(): void;
  release(): void;
}

/** How long a busy vault is waited for. */
export const LOCK_WAIT_MS = 12_000;
/** How long an older otp's lock folder must stand still (mtime unchanged) before it is removed. */
export const OLD_LOCK_STILL_MS = 5_000;
const OTHER_HOST_STALE_MS = 15_000;
const OWNERLESS_STALE_MS = 3_000;

const now = () => performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const hex = (n: number) => Buffer.from(randomBytes(n)).toString("hex");
const codeOf = (err: unknown) => (err as NodeJS.ErrnoException)?.code;

const ioError = (what: string, err: unknown) => new OtpError("io", `${what}: ${codeOf(err) ?? "failed"}`);
const badLockPath = (path: string, what: string) =>
  new OtpError("lock-path", `cannot lock the vault: ${path} is ${what}, which otp did not make`, [
    `if no otp is running, remove it (\`rm -r ${path}\`) and try again`,
  ]);
const busy = (path: string, holder: string) =>
  new OtpError("busy", `vault is busy: ${holder} holds ${path}`, ["try again in a moment; a lock whose otp has ended is released at once"]);
const lost = () => new OtpError("changed-on-disk", "lost the vault's lock to another process; nothing written", ["run the command again"]);

/** Takes the lock of the vault at `realVault` (its real path), waiting up to `waitMs`. Throws OtpError `busy`, `lock-path` or `io`. */
export async function lockVault(realVault: string, waitMs = LOCK_WAIT_MS): Promise<VaultLock> {
  const deadline = now() + waitMs;
  const native = nativeFs();
  if (native) {
    const held = await kernelLock(native, `${realVault}.lock`, deadline);
    if (held) return held;
  }
  return folderLock(`${realVault}.lock.d`, deadline);
}

// ---- the kernel's lock on a file ----

/** null when the file system takes no locks (the folder lock is used then). */
async function kernelLock(native: NativeFs, path: string, deadline: number): Promise<VaultLock | null> {
  for (;;) {
    await clearOldLockFolder(path, deadline);
    let fd: number;
    try {
      fd = openSync(path, C.O_RDWR | C.O_CREAT | C.O_NOFOLLOW | C.O_NONBLOCK, 0o600);
    } catch (err) {
      if (codeOf(err) === "ELOOP") throw badLockPath(path, "a symbolic link");
      if (codeOf(err) === "EISDIR") continue; // an older otp's folder appeared meanwhile
      throw ioError(`cannot open the vault's lock ${path}`, err);
    }
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid)) {
      closeSync(fd);
      throw badLockPath(path, st.isFile() ? "a file of another user" : "not a regular file");
    }
    let got: boolean;
    try {
      for (;;) {
        got = native.tryLock(fd);
        if (got || now() > deadline) break;
        await sleep(backoff());
      }
    } catch (err) {
      closeSync(fd);
      if (["ENOLCK", "EOPNOTSUPP", "ENOTSUP", "EINVAL", "ENOSYS"].includes(codeOf(err) ?? "")) return null;
      throw ioError(`cannot lock ${path}`, err);
    }
    if (!got) {
      const holder = readHolder(fd);
      closeSync(fd);
      throw busy(path, holder);
    }
    // The lock is on the file we opened: the path must still name it (otp never deletes it, but
    // a person or a tool may have), or a later process would lock another file.
    if (!sameFile(path, st)) {
      native.unlock(fd);
      closeSync(fd);
      continue;
    }
    writeHolder(fd);
    let released = false;
    return {
      mode: "kernel",
      stillHeld: () => {
        if (released || !sameFile(path, st)) throw lost();
      },
      release: () => {
        if (released) return;
        released = true;
        native.unlock(fd);
        closeSync(fd);
      },
    };
  }
}

function sameFile(path: string, st: { dev: number; ino: number }): boolean {
  const now = lstatSync(path, { throwIfNoEntry: false });
  return now !== undefined && now.dev === st.dev && now.ino === st.ino;
}

/** Who holds it, for the busy message: the holder wrote its pid and host into the file. */
function writeHolder(fd: number): void {
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }) + "\n", 0);
  } catch {
    // only a courtesy for the busy message
  }
}

function readHolder(fd: number): string {
  try {
    const o = JSON.parse(readFileSync(fd, "utf8")) as { pid?: unknown; host?: unknown };
    if (typeof o.pid === "number")
      return `otp (pid ${o.pid}${typeof o.host === "string" && o.host !== hostname() ? ` on ${o.host.slice(0, 64)}` : ""})`;
  } catch {
    // no record yet
  }
  return "another otp";
}

/** An older otp's lock folder at the lock file's path: wait while it is refreshed, remove it once it stands still. */
async function clearOldLockFolder(path: string, deadline: number): Promise<void> {
  let seen: { mtimeMs: number; since: number } | null = null;
  for (;;) {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isSymbolicLink()) throw badLockPath(path, "a symbolic link");
    if (!st.isDirectory()) {
      if (st.isFile()) return;
      throw badLockPath(path, "not a regular file");
    }
    if (readdirSync(path).length > 0) throw badLockPath(path, "a folder with files in it");
    if (!seen || seen.mtimeMs !== st.mtimeMs) seen = { mtimeMs: st.mtimeMs, since: now() };
    else if (now() - seen.since > OLD_LOCK_STILL_MS) {
      try {
        rmdirSync(path);
      } catch (err) {
        if (codeOf(err) !== "ENOENT" && codeOf(err) !== "ENOTEMPTY") throw ioError(`cannot remove the old lock ${path}`, err);
      }
      continue;
    }
    if (now() > deadline) throw busy(path, "an older otp");
    await sleep(250);
  }
}

// ---- the lock folder, where the kernel cannot lock ----

interface Owner {
  pid: number;
  host: string;
  boot: string;
  start: string;
  nonce: string;
  beat: number;
}

const bootId = (() => {
  let id: string | undefined;
  return () => (id ??= readText("/proc/sys/kernel/random/boot_id").trim());
})();

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The start time of a process (Linux: field 22 of /proc/PID/stat, in ticks since boot); "" elsewhere. */
function startOf(pid: number): string {
  const stat = readText(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}

function readOwner(dir: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(`${dir}/owner`, "utf8")) as Owner;
    return typeof o.nonce === "string" && typeof o.pid === "number" ? o : null;
  } catch {
    return null;
  }
}

function writeOwner(dir: string, o: Owner): void {
  const tmp = `${dir}/owner.${hex(4)}`;
  writeFileSync(tmp, JSON.stringify(o), { mode: 0o600 });
  renameSync(tmp, `${dir}/owner`);
}

/** Provably gone: on this host (same boot), and its pid is dead or now another process. */
function deadHere(o: Owner): boolean {
  if (o.host !== hostname() || o.boot !== bootId() || o.boot === "") return false;
  try {
    process.kill(o.pid, 0);
  } catch (err) {
    return codeOf(err) === "ESRCH";
  }
  return o.start !== "" && startOf(o.pid) !== o.start;
}

/** The lock folder (exported for its tests, which shorten the other-host stale time). */
export async function folderLock(dir: string, deadline: number, otherHostStaleMs = OTHER_HOST_STALE_MS): Promise<VaultLock> {
  const me: Owner = { pid: process.pid, host: hostname(), boot: bootId(), start: startOf(process.pid), nonce: hex(12), beat: 0 };
  let watch: { key: string; beat: number; since: number } | null = null;
  for (;;) {
    try {
      mkdirSync(dir, { mode: 0o700 });
      writeOwner(dir, me);
      break;
    } catch (err) {
      if (codeOf(err) !== "EEXIST") {
        if (codeOf(err) === "ENOTDIR" || codeOf(err) === "ELOOP") throw badLockPath(dir, "not a folder");
        throw ioError(`cannot lock the vault (${dir})`, err);
      }
    }
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw badLockPath(dir, st.isSymbolicLink() ? "a symbolic link" : "not a folder");
    const owner = readOwner(dir);
    const key = owner?.nonce ?? "";
    const beat = owner?.beat ?? -1;
    if (!watch || watch.key !== key || watch.beat !== beat) watch = { key, beat, since: now() };
    const still = now() - watch.since;
    const stale = owner ? deadHere(owner) || (!sameHost(owner) && still > otherHostStaleMs) : still > OWNERLESS_STALE_MS;
    if (stale) {
      breakStale(dir, key);
      watch = null;
      continue;
    }
    if (now() > deadline)
      throw busy(dir, owner ? `otp (pid ${owner.pid}${sameHost(owner) ? "" : ` on ${owner.host.slice(0, 64)}`})` : "another otp");
    await sleep(backoff());
  }
  const timer = setInterval(() => {
    me.beat++;
    if (readOwner(dir)?.nonce === me.nonce) {
      try {
        writeOwner(dir, me);
      } catch {
        // the next beat tries again
      }
    }
  }, 1000);
  timer.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    process.off("exit", release);
    if (readOwner(dir)?.nonce === me.nonce) rmSync(dir, { recursive: true, force: true });
  };
  // Ctrl-C while waiting for a prompt elsewhere exits through process.exit: let go on the way out.
  process.on("exit", release);
  return {
    mode: "folder",
    stillHeld: () => {
      if (released || readOwner(dir)?.nonce !== me.nonce) throw lost();
    },
    release,
  };
}

const sameHost = (o: Owner) => o.host === hostname() && o.boot === bootId();

/**
 * Moves the stale folder aside before removing it, so that two waiters that both judged it
 * stale cannot remove each other's fresh lock: what was moved is removed only if it is the
 * folder judged stale; a fresh one moved by mistake is put back.
 */
function breakStale(dir: string, key: string): void {
  const aside = `${dir}.stale-${hex(6)}`;
  try {
    renameSync(dir, aside);
  } catch {
    return; // someone else broke it first
  }
  if ((readOwner(aside)?.nonce ?? "") !== key) {
    try {
      renameSync(aside, dir);
      return;
    } catch {
      // a new lock is there already: its holder's next stillHeld() sees it lost this one
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

/** 20–250 ms, growing, with jitter: many waiters do not wake together. */
let tries = 0;
function backoff(): number {
  tries++;
  return Math.min(250, 20 * 1.4 ** Math.min(tries, 10)) * (0.5 + Math.random() / 2);
}
