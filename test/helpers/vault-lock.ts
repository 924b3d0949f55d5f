// The vault's lock from a test: held in this process with otp's own lock module (a kernel lock on
// `<vault>.lock`, so a spawned otp sees a live holder), and probed without disturbing a holder.
import { constants as C, closeSync, existsSync, openSync } from "node:fs";
import { realVaultPath } from "../../src/io/vault-file.js";
import { nativeFs } from "../../src/io/native-fs.js";
import { lockVault } from "../../src/io/vault-lock.js";

/** Takes the vault's lock as otp would; returns its release. */
export async function holdVaultLock(vault: string): Promise<() => void> {
  const lock = await lockVault(realVaultPath(vault));
  return () => lock.release();
}

/** Whether some process holds the vault's lock right now (a free lock is taken and let go at once). */
export function vaultLockHeld(vault: string): boolean {
  const native = nativeFs();
  if (!native) throw new Error("fs-native-extensions did not load: these tests need the kernel lock");
  const path = `${realVaultPath(vault)}.lock`;
  if (!existsSync(path)) return false;
  const fd = openSync(path, C.O_RDWR | C.O_NOFOLLOW);
  try {
    if (!native.tryLock(fd)) return true;
    native.unlock(fd);
    return false;
  } finally {
    closeSync(fd);
  }
}
