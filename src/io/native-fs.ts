// The two file-system calls Node lacks and the vault's write protocol wants, from
// fs-native-extensions (holepunchto; prebuilt for Linux, macOS and Windows, no install script):
// - an exclusive lock held by the kernel on an open file (Linux: an OFD lock, fcntl F_OFD_SETLK,
//   which NFS carries to the server; macOS: flock), released the moment its holder dies;
// - an atomic swap of two paths (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np RENAME_SWAP).
// The addon is loaded straight from the package's prebuilds folder (core/load.ts requireAddon):
// its own loader (require-addon) costs 40–100 ms, the addon itself ~2 ms. Only writes load it.
// null when this platform has no prebuild: vault-lock.ts then falls back to a lock folder
// (docs/locking.md).
import { requireAddon } from "../core/load.js";

interface Binding {
  /** throws an error with code EAGAIN when another descriptor holds the lock */
  tryLock(fd: number, offset: number, length: number, exclusive: boolean): void;
  unlock(fd: number, offset: number, length: number): void;
  swapSync(from: string, to: string): void;
}

export interface NativeFs {
  /** true when granted, false when another open file description holds it; throws ENOLCK & co. */
  tryLock(fd: number): boolean;
  unlock(fd: number): void;
  /** swaps the two paths atomically; throws (EINVAL, ENOSYS, EXDEV…) where the file system cannot */
  swap(from: string, to: string): void;
}

let loaded: NativeFs | null | undefined;

/** The addon, or null where it does not load. Loaded once. */
export function nativeFs(): NativeFs | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    const binding = requireAddon<Binding>(
      "fs-native-extensions",
      `prebuilds/${process.platform}-${process.arch}/fs-native-extensions.node`,
    );
    loaded = {
      tryLock(fd) {
        try {
          binding.tryLock(fd, 0, 0, true);
          return true;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "EAGAIN") return false;
          throw err;
        }
      },
      unlock: (fd) => binding.unlock(fd, 0, 0),
      swap: (from, to) => binding.swapSync(from, to),
    };
  } catch {
    loaded = null;
  }
  return loaded;
}
