// The vault file on disk (src/io/vault-file.ts; docs/locking.md; docs/testplan.md D, E.34, F, I.66), in temp
// folders: atomic writes with a snapshot of the previous vault each time and pruning to the
// newest 10, refusing to clobber a new vault's path or a vault changed on disk, no *.tmp left,
// modes 0600/0700, the careful read (folders, FIFOs, permissions, size, missing), and the lock.
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { OtpError, VaultDamagedError } from "../../../src/core/errors.js";
import { parseEnvelope, type Envelope } from "../../../src/core/vault/format.js";
import { addEntry, type VaultData } from "../../../src/core/vault/model.js";
import { createVault, newId, openData, sealAndVerify } from "../../../src/core/vault/vault.js";
import { KEEP_SNAPSHOTS, listSnapshots, openVaultRanges, readVaultFile, withLock, writeVaultAtomic } from "../../../src/io/vault-file.js";
import { CHEAP_KDF, NOW_ISO, dataWith, totpDraft } from "../core/vault/helpers.js";
import { vaultLockHeld } from "../../helpers/vault-lock.js";

let base: { envelope: Envelope; masterKey: Uint8Array; data: VaultData };
/** Version k of the vault: same keys, meta.version = k. */
const version = (k: number): Uint8Array =>
  sealAndVerify(base.envelope, base.masterKey, { ...base.data, meta: { ...base.data.meta, version: k } });
const versionOf = (bytes: Uint8Array): unknown => openData(parseEnvelope(bytes).envelope, base.masterKey).meta.version;

beforeAll(async () => {
  const data = dataWith([totpDraft("GitHub")]);
  const { envelope, masterKey } = await createVault("test", data, CHEAP_KDF);
  base = { envelope, masterKey, data };
});

let dir: string;
let vault: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otp-unit-io-"));
  chmodSync(dir, 0o700);
  vault = join(dir, "vault.otp");
});
afterEach(() => {
  vi.useRealTimers();
  // T: never a *.tmp left beside the vault, whatever the test did
  expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;
const sync = (p: string) => new Uint8Array(readFileSync(p));
async function errorOf(p: Promise<unknown>): Promise<OtpError> {
  try {
    await p;
  } catch (err) {
    return err as OtpError;
  }
  throw new Error("expected an error, but nothing was thrown");
}

/** One locked write, as a mutating command does it. */
async function rewrite(k: number): Promise<string[]> {
  return withLock(vault, async (stillHeld) => {
    const { identity } = await readVaultFile(vault);
    return writeVaultAtomic(vault, version(k), identity, stillHeld);
  });
}

describe("writeVaultAtomic", () => {
  it("creates a new vault (expect null): exact bytes, mode 0600, no snapshot", async () => {
    const bytes = version(0);
    expect(await writeVaultAtomic(vault, bytes, null)).toEqual([]);
    expect(sync(vault)).toEqual(bytes);
    expect(mode(vault)).toBe(0o600);
    expect(await listSnapshots(vault)).toEqual([]);
    expect(readdirSync(dir)).toEqual(["vault.otp"]);
  });

  it("keeps a snapshot of the previous vault on every write and prunes to the newest 10 after 15 writes; each snapshot opens", async () => {
    await writeVaultAtomic(vault, version(0), null);
    for (let k = 1; k <= 15; k++) {
      expect(await rewrite(k)).toEqual([]);
      expect(versionOf(sync(vault))).toBe(k);
      const snaps = await listSnapshots(vault);
      expect(snaps).toHaveLength(Math.min(k, KEEP_SNAPSHOTS));
      expect(versionOf(sync(snaps[0]!))).toBe(k - 1); // the newest snapshot is the vault just replaced
    }
    const snaps = await listSnapshots(vault);
    expect(KEEP_SNAPSHOTS).toBe(10);
    expect(snaps.map((s) => versionOf(sync(s)))).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
    for (const s of snaps) {
      expect(mode(s)).toBe(0o600);
      expect(s.startsWith(join(dir, "snapshots", "vault.otp."))).toBe(true);
      expect(openData(parseEnvelope(sync(s)).envelope, base.masterKey).entries.map((e) => e.name)).toEqual(["GitHub"]);
    }
    expect(mode(join(dir, "snapshots"))).toBe(0o700);
    expect(readdirSync(join(dir, "snapshots"))).toHaveLength(10);
  });

  it("writes made within one clock tick still prune the oldest snapshots, not random ones", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-06-01T12:00:00.000Z"));
    await writeVaultAtomic(vault, version(0), null);
    for (let k = 1; k <= 15; k++) await rewrite(k);
    const kept = (await listSnapshots(vault)).map((s) => versionOf(sync(s)) as number);
    expect(kept.sort((a, b) => b - a)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
  });

  it("replacing a 0644 vault leaves a 0600 one", async () => {
    writeFileSync(vault, version(0), { mode: 0o600 });
    chmodSync(vault, 0o644);
    const { identity } = await readVaultFile(vault);
    await writeVaultAtomic(vault, version(1), identity);
    expect(mode(vault)).toBe(0o600);
    expect(versionOf(sync(vault))).toBe(1);
  });

  it("a new vault (expect null) refuses to replace an existing file, which stays untouched", async () => {
    const existing = new TextEncoder().encode("someone's vault, or anything else\n");
    writeFileSync(vault, existing, { mode: 0o600 });
    const before = statSync(vault);
    const err = await errorOf(writeVaultAtomic(vault, version(0), null));
    expect(err).toBeInstanceOf(OtpError);
    expect(err.kind).toBe("vault-exists");
    expect(err.message).toContain("left untouched");
    expect(sync(vault)).toEqual(existing);
    expect([statSync(vault).ino, statSync(vault).mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(existsSync(join(dir, "snapshots"))).toBe(false);
  });

  describe("a vault changed on disk between read and write is never overwritten", () => {
    const foreign = () => version(99); // a different vault of the same size

    it("replaced by another file (rename, same size)", async () => {
      await writeVaultAtomic(vault, version(0), null);
      const { identity } = await readVaultFile(vault);
      const f = foreign();
      expect(f.length).toBe(identity.size);
      writeFileSync(join(dir, "other"), f, { mode: 0o600 });
      renameSync(join(dir, "other"), vault);
      const err = await errorOf(writeVaultAtomic(vault, version(1), identity));
      expect(err.kind).toBe("changed-on-disk");
      expect(err.message).toMatch(/nothing written/);
      expect(sync(vault)).toEqual(f);
    });

    it("rewritten in place with other bytes (another size)", async () => {
      await writeVaultAtomic(vault, version(0), null);
      const { identity } = await readVaultFile(vault);
      const f = new TextEncoder().encode("the sync client's copy\n");
      writeFileSync(vault, f);
      const err = await errorOf(writeVaultAtomic(vault, version(1), identity));
      expect(err.kind).toBe("changed-on-disk");
      expect(sync(vault)).toEqual(f);
    });

    it("deleted meanwhile: refused, and no vault appears", async () => {
      await writeVaultAtomic(vault, version(0), null);
      const { identity } = await readVaultFile(vault);
      rmSync(vault);
      const err = await errorOf(writeVaultAtomic(vault, version(1), identity));
      // today the snapshot step notices first and says `io` (ENOENT); either way nothing is written
      expect(["changed-on-disk", "io"]).toContain(err.kind);
      expect(err.message).toMatch(/nothing (was )?written/);
      expect(existsSync(vault)).toBe(false);
    });

    it("rewritten in place with the same size within the same timestamp (coarse mtime, or an mtime-preserving sync)", async () => {
      await writeVaultAtomic(vault, version(0), null);
      const t = new Date("2026-05-01T10:00:00.000Z"); // a whole second: exactly representable
      utimesSync(vault, t, t);
      const { identity } = await readVaultFile(vault);
      const f = foreign();
      writeFileSync(vault, f); // same inode, same size
      utimesSync(vault, t, t); // same mtime, as two writes within one kernel tick get
      expect(statSync(vault).mtimeMs).toBe(identity.mtimeMs);
      const err = await errorOf(writeVaultAtomic(vault, version(1), identity));
      expect(err.kind).toBe("changed-on-disk");
      expect(sync(vault)).toEqual(f);
    });
  });

  it("a vault that is a symlink (e.g. into a sync folder) stays one: the target gets the new bytes and a real snapshot is kept", async () => {
    mkdirSync(join(dir, "sync"), { mode: 0o700 });
    const target = join(dir, "sync", "vault.otp");
    writeFileSync(target, version(0), { mode: 0o600 });
    symlinkSync("sync/vault.otp", vault);
    const { identity } = await readVaultFile(vault);
    await writeVaultAtomic(vault, version(1), identity);
    expect(lstatSync(vault).isSymbolicLink()).toBe(true);
    expect(versionOf(sync(target))).toBe(1);
    const snaps = await listSnapshots(vault);
    expect(snaps).toHaveLength(1);
    expect(existsSync(snaps[0]!)).toBe(true); // not a dangling copy of the relative link
    expect(versionOf(sync(snaps[0]!))).toBe(0);
  });

  it("a snapshot that cannot be made aborts the write: vault untouched, no tmp", async () => {
    await writeVaultAtomic(vault, version(0), null);
    writeFileSync(join(dir, "snapshots"), "not a folder");
    const { identity } = await readVaultFile(vault);
    const err = await errorOf(writeVaultAtomic(vault, version(1), identity));
    expect(err).toBeInstanceOf(OtpError);
    expect(err.kind).toBe("unsafe-permissions");
    expect(err.message).toMatch(/snapshots is not a private folder of yours \(not a folder\).*nothing was written/);
    expect(versionOf(sync(vault))).toBe(0);
  });

  it("a folder that does not exist: io error, nothing created", async () => {
    const err = await errorOf(writeVaultAtomic(join(dir, "missing", "vault.otp"), version(0), null));
    expect(err.kind).toBe("io");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("openVaultRanges (positioned reads)", () => {
  it("gives the file's bytes a range at a time and whole, as readVaultFile reads them", async () => {
    const bytes = version(0);
    writeFileSync(vault, bytes, { mode: 0o600 });
    const r = await openVaultRanges(vault);
    expect(r.size).toBe(bytes.length);
    expect(r.warnings).toEqual([]);
    expect(r.read(10, 50)).toEqual(bytes.subarray(10, 50));
    expect(r.read(bytes.length - 5, bytes.length + 100)).toEqual(bytes.subarray(bytes.length - 5));
    expect(r.whole()).toEqual((await readVaultFile(vault)).bytes);
    expect(r.read(0, 8)).toEqual(bytes.subarray(0, 8)); // from the whole, once read
  });

  it("keeps reading the file it opened when a write replaces the vault meanwhile", async () => {
    writeFileSync(vault, version(0), { mode: 0o600 });
    const r = await openVaultRanges(vault);
    const next = join(dir, "next");
    writeFileSync(next, version(1), { mode: 0o600 });
    renameSync(next, vault);
    expect(versionOf(r.whole())).toBe(0);
    expect(versionOf(sync(vault))).toBe(1);
  });

  it("checks the file as readVaultFile does: missing, a folder, others can read", async () => {
    expect((await errorOf(openVaultRanges(vault))).kind).toBe("no-vault");
    mkdirSync(join(dir, "sub"));
    expect((await errorOf(openVaultRanges(join(dir, "sub")))).kind).toBe("not-a-vault");
    writeFileSync(vault, version(0), { mode: 0o644 });
    const r = await openVaultRanges(vault);
    expect(r.warnings).toEqual((await readVaultFile(vault)).warnings);
    expect(r.warnings.length).toBeGreaterThan(0);
    r.close();
    expect(() => r.read(0, 1)).toThrow(/closed/);
  });
});

describe("readVaultFile", () => {
  it("a vault reached through a symlink is checked in its real folder: a folder others can write is refused", async () => {
    const open = join(dir, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    writeFileSync(join(open, "vault.otp"), version(0), { mode: 0o600 });
    symlinkSync(join(open, "vault.otp"), vault); // the link sits in the private folder
    const err = await errorOf(readVaultFile(vault));
    expect(err.kind).toBe("unsafe-permissions");
    expect(err.message).toContain(open);
  });

  it("reads a vault: bytes, identity, no warnings for 0600 in a 0700 folder", async () => {
    const bytes = version(0);
    writeFileSync(vault, bytes, { mode: 0o600 });
    const r = await readVaultFile(vault);
    expect(r.bytes).toEqual(bytes);
    expect(r.warnings).toEqual([]);
    const st = statSync(vault);
    expect(r.identity).toMatchObject({ dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
  });

  it("says `no vault at …` and `otp init` for a missing file", async () => {
    const err = await errorOf(readVaultFile(vault));
    expect(err).toBeInstanceOf(OtpError);
    expect(err.kind).toBe("no-vault");
    expect(err.message).toBe(`no vault at ${vault}`);
    expect(err.hints.join("\n")).toMatch(/otp init/);
  });

  it("refuses a folder", async () => {
    mkdirSync(vault);
    const err = await errorOf(readVaultFile(vault));
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("not-a-vault");
    expect(err.message).toMatch(/not a regular file/);
  });

  it("refuses a FIFO without blocking on it", async () => {
    const fifo = join(dir, "vault.otp");
    const mk = spawn("mkfifo", ["-m", "600", fifo], { stdio: "ignore" });
    await new Promise((r) => mk.on("close", r));
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    // If readVaultFile blocked in open(), this writer would release it after 3 s (and the
    // elapsed-time check below would fail) instead of hanging the test run.
    const unblocker = spawn("sh", ["-c", `sleep 3; : > '${fifo}'`], { stdio: "ignore" });
    try {
      const t0 = performance.now();
      const err = await errorOf(readVaultFile(fifo));
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(err).toBeInstanceOf(VaultDamagedError);
      expect(err.kind).toBe("not-a-vault");
    } finally {
      unblocker.kill("SIGKILL");
    }
  });

  it.each([
    ["group-writable", 0o620],
    ["world-writable", 0o602],
    ["group- and world-writable", 0o666],
  ])("refuses a %s vault (unsafe-permissions)", async (_what, m) => {
    writeFileSync(vault, version(0), { mode: 0o600 });
    chmodSync(vault, m);
    const err = await errorOf(readVaultFile(vault));
    expect(err).toBeInstanceOf(OtpError);
    expect(err.kind).toBe("unsafe-permissions");
    expect(err.hints.join(" ")).toMatch(/chmod 600/);
  });

  it("refuses a vault in a group-writable folder, but not in a sticky one", async () => {
    writeFileSync(vault, version(0), { mode: 0o600 });
    chmodSync(dir, 0o770);
    const err = await errorOf(readVaultFile(vault));
    expect(err.kind).toBe("unsafe-permissions");
    expect(err.hints.join(" ")).toMatch(/chmod 700/);
    chmodSync(dir, 0o1777);
    expect((await readVaultFile(vault)).bytes).toHaveLength(version(0).length);
    chmodSync(dir, 0o700);
  });

  it("warns (but reads) when others can read the vault", async () => {
    writeFileSync(vault, version(0), { mode: 0o600 });
    chmodSync(vault, 0o644);
    const r = await readVaultFile(vault);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/others can read it/);
  });

  it("refuses a file over 16 MiB without reading it", async () => {
    writeFileSync(vault, "", { mode: 0o600 });
    truncateSync(vault, 16 * 1024 * 1024 + 1); // sparse: reading it would take visible time
    const t0 = performance.now();
    const err = await errorOf(readVaultFile(vault));
    expect(performance.now() - t0).toBeLessThan(200);
    expect(err).toBeInstanceOf(VaultDamagedError);
    expect(err.kind).toBe("corrupted");
    expect(err.message).toMatch(/16 MiB/);
  });
});

describe("withLock", () => {
  it("serialises two concurrent writers, and both changes land", async () => {
    await writeVaultAtomic(vault, version(0), null);
    const inside: string[] = [];
    const writer = (name: string) =>
      withLock(vault, async (stillHeld) => {
        inside.push(`enter ${name}`);
        const { bytes, identity } = await readVaultFile(vault);
        const env = parseEnvelope(bytes).envelope;
        const data = openData(env, base.masterKey);
        await new Promise((r) => setTimeout(r, 150)); // the other writer is waiting meanwhile
        const next = addEntry(data, totpDraft(name), newId(), NOW_ISO).data;
        await writeVaultAtomic(vault, sealAndVerify(env, base.masterKey, next), identity, stillHeld);
        inside.push(`leave ${name}`);
      });
    await Promise.all([writer("first"), writer("second")]);
    expect(inside).toHaveLength(4);
    expect(inside[0]!.replace("enter", "leave")).toBe(inside[1]);
    expect(inside[2]!.replace("enter", "leave")).toBe(inside[3]);
    const names = openData(parseEnvelope(sync(vault)).envelope, base.masterKey)
      .entries.map((e) => e.name)
      .sort();
    expect(names).toEqual(["GitHub", "first", "second"]);
    expect(vaultLockHeld(vault), "let go").toBe(false);
    expect(await listSnapshots(vault)).toHaveLength(2);
  });

  it("without the lock, two writers that read the same vault collide and the second is refused, not lost silently", async () => {
    await writeVaultAtomic(vault, version(0), null);
    const start = async () => {
      const { bytes, identity } = await readVaultFile(vault);
      const env = parseEnvelope(bytes).envelope;
      return { env, identity, data: openData(env, base.masterKey) };
    };
    const a = await start();
    const b = await start();
    const write = (w: typeof a, name: string) =>
      writeVaultAtomic(vault, sealAndVerify(w.env, base.masterKey, addEntry(w.data, totpDraft(name), newId(), NOW_ISO).data), w.identity);
    await write(a, "first");
    const err = await errorOf(write(b, "second"));
    expect(err.kind).toBe("changed-on-disk");
    const names = openData(parseEnvelope(sync(vault)).envelope, base.masterKey).entries.map((e) => e.name);
    expect(names).toEqual(["GitHub", "first"]);
  });

  it("the next write under the lock removes temporary files a crashed write left beside the vault", async () => {
    await writeVaultAtomic(vault, version(0), null);
    writeFileSync(join(dir, ".vault.otp.0badc0ffee00.tmp"), "half a vault", { mode: 0o600 });
    writeFileSync(join(dir, "notes.tmp"), "not ours");
    await rewrite(1);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual(["notes.tmp"]);
    rmSync(join(dir, "notes.tmp"));
  });

  it("two writers that both passed the check (as if both held the lock): the swap sees another vault came out, swaps back, and refuses", async () => {
    await writeVaultAtomic(vault, version(0), null);
    const { identity } = await readVaultFile(vault);
    // The other writer commits in the window between this writer's check and its replace.
    const other = join(dir, "other.otp");
    const commitOther = () => {
      writeFileSync(other, version(7), { mode: 0o600 });
      renameSync(other, vault);
    };
    const err = await errorOf(writeVaultAtomic(vault, version(1), identity, commitOther));
    expect(err.kind).toBe("changed-on-disk");
    expect(versionOf(sync(vault)), "the other writer's vault stands").toBe(7);
  });

  it("releases the lock when fn throws, and passes fn's error through", async () => {
    const boom = new OtpError("internal", "boom");
    expect(await errorOf(withLock(vault, async () => Promise.reject(boom)))).toBe(boom);
    expect(vaultLockHeld(vault), "let go").toBe(false);
    expect(await withLock(vault, async () => 42)).toBe(42);
  });
});
