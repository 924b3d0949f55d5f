// Writing an export or backup file: 0600, never over an existing file without force, never
// half-written (tmp in the same folder → fsync → link or rename), never onto the vault.
import { constants as C, promises as fs } from "node:fs";
import { randomBytes } from "../core/vault/crypto.js";
import { basename, dirname, join, resolve } from "node:path";
import { OtpError, UsageError } from "../core/errors.js";
import { snapshotDir } from "./paths.js";

export async function writeOutputFile(path: string, bytes: Uint8Array, opts: { force: boolean; vault: string }): Promise<void> {
  const target = resolve(path);
  const real = await fs.realpath(target).catch(() => target);
  const vault = resolve(opts.vault);
  const realVault = await fs.realpath(vault).catch(() => vault);
  if (real === vault || real === realVault || dirname(real) === snapshotDir(vault) || dirname(real) === snapshotDir(realVault))
    throw new UsageError("usage", "the output is the vault or one of its snapshots; choose another file");
  const tmp = join(dirname(target), `.${basename(target)}.${Buffer.from(randomBytes(6)).toString("hex")}.tmp`);
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
    await fh.writeFile(bytes);
    await fh.sync();
    await fh.close();
    fh = undefined;
    if (opts.force) await fs.rename(tmp, target);
    else {
      await fs.link(tmp, target);
      await fs.unlink(tmp);
    }
    // The new name made durable too: a backup checked after this is one a crash keeps.
    await fsyncFolder(dirname(target));
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new OtpError("output-exists", `${path} already exists; nothing written`, ["use --force to replace it"]);
    throw new OtpError("io", `cannot write ${path}: ${code ?? "failed"}`);
  }
}

async function fsyncFolder(dir: string): Promise<void> {
  const fh = await fs.open(dir, C.O_RDONLY).catch(() => null);
  try {
    await fh?.sync();
  } catch {
    // some file systems refuse to sync a folder; the file itself was synced
  } finally {
    await fh?.close();
  }
}
