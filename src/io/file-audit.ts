// The file-system half of `otp audit`: permissions of the vault, its folder and its snapshots,
// and temporary files an interrupted write left beside the vault.
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Finding } from "../core/audit.js";
import { snapshotDir } from "./paths.js";
import { listSnapshots } from "./vault-file.js";

/** A tmp file younger than this may belong to an otp writing right now. */
const STALE_TMP_MS = 60_000;
const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, "0");

/** Findings about the files; `blocking` when otp refuses to open the vault until they are fixed. */
export async function fileFindings(vaultPath: string, nowMs: number): Promise<{ findings: Finding[]; blocking: boolean }> {
  const path = await fs.realpath(vaultPath).catch(() => vaultPath);
  const dir = dirname(path);
  const findings: Finding[] = [];
  let blocking = false;
  const check = async (p: string, isDir: boolean, what: string) => {
    const st = await fs.stat(p).catch(() => null);
    if (!st || !(st.mode & 0o077)) return;
    const writable = (st.mode & 0o022) !== 0 && !(isDir && st.mode & 0o1000);
    if (writable) blocking = true;
    findings.push({
      kind: "loose-permissions",
      file: p,
      message: `${what} ${p} can be ${writable ? "changed" : "read"} by other users (mode ${octal(st.mode)})`,
      fix: `\`chmod ${isDir ? 700 : 600} ${p}\`${writable ? " after checking nobody changed it" : ""}`,
    });
  };
  await check(dir, true, "the vault's folder");
  await check(path, false, "the vault");
  await check(snapshotDir(path), true, "the snapshots folder");
  const snaps = await listSnapshots(path);
  const loose = (await Promise.all(snaps.map(async (s) => ((await fs.stat(s).catch(() => null))?.mode ?? 0) & 0o077))).filter(
    Boolean,
  ).length;
  if (loose)
    findings.push({
      kind: "loose-permissions",
      file: snapshotDir(path),
      message: `${loose} snapshot${loose === 1 ? "" : "s"} in ${snapshotDir(path)} can be read by other users`,
      fix: `\`chmod 600 ${snapshotDir(path)}/*\``,
    });
  const prefix = `.${basename(path)}.`;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const st = await fs.stat(join(dir, name)).catch(() => null);
    if (st && nowMs - st.mtimeMs > STALE_TMP_MS)
      findings.push({
        kind: "leftover-file",
        file: join(dir, name),
        message: `${join(dir, name)} was left by an interrupted write`,
        fix: `the vault itself is whole; \`rm ${join(dir, name)}\``,
      });
  }
  return { findings, blocking };
}
