// The lock folder, otp's lock where the kernel cannot lock (src/io/vault-lock.ts,
// docs/locking.md): one holder at a time; a holder provably dead on this host, or a folder left
// without an owner, is taken over at once (or after 3 s); a holder on another host only when its
// heartbeat stands still; a holder that lost its folder knows it. The kernel lock is tested end
// to end in test/e2e/lock.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { folderLock } from "../../src/io/vault-lock.js";
import { onFakeClock } from "../helpers/fake-clock.js";

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otp-lock-"));
  lock = join(dir, "vault.otp.lock.d");
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const soon = (ms = 600) => performance.now() + ms;
const bootId = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
const owner = () => JSON.parse(readFileSync(join(lock, "owner"), "utf8"));
async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "taken";
  } catch (err) {
    return (err as { kind?: string }).kind ?? String(err);
  }
}
function plantOwner(o: Record<string, unknown>): void {
  mkdirSync(lock);
  writeFileSync(join(lock, "owner"), JSON.stringify({ start: "", nonce: "planted", beat: 0, ...o }));
}

describe("the lock folder", () => {
  it("one holder at a time: a second waits, then is busy; after release it is taken", async () => {
    const a = await folderLock(lock, soon());
    expect(owner().pid).toBe(process.pid);
    expect(await kindOf(folderLock(lock, soon()))).toBe("busy");
    a.stillHeld();
    a.release();
    expect(existsSync(lock)).toBe(false);
    const b = await folderLock(lock, soon());
    b.release();
  });

  it.skipIf(!existsSync("/proc/sys/kernel/random/boot_id"))("a holder that died on this host is taken over at once", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    plantOwner({ pid: dead, host: hostname(), boot: bootId() });
    const t0 = performance.now();
    const l = await folderLock(lock, soon(300));
    expect(performance.now() - t0).toBeLessThan(300);
    expect(owner().pid).toBe(process.pid);
    l.release();
  });

  it("a live holder on this host is never taken over, whatever its heartbeat says", async () => {
    plantOwner({ pid: process.pid, host: hostname(), boot: existsSync("/proc") ? bootId() : "", beat: 0 });
    const { result, elapsed } = await onFakeClock(() => kindOf(folderLock(lock, soon(20_000), 100)));
    expect(result).toBe("busy");
    expect(elapsed, "waited until the deadline").toBeGreaterThanOrEqual(20_000);
    expect(owner().nonce).toBe("planted");
  });

  it("a holder on another host: taken over only once its heartbeat has stood still for the stale time", async () => {
    plantOwner({ pid: 1, host: "elsewhere.example", boot: "x" });
    const beat = setInterval(() => {
      const o = owner();
      writeFileSync(join(lock, "owner"), JSON.stringify({ ...o, beat: o.beat + 1 }));
    }, 100);
    try {
      expect(await kindOf(folderLock(lock, soon(1200), 400)), "a moving heartbeat is alive").toBe("busy");
    } finally {
      clearInterval(beat);
    }
    const l = await folderLock(lock, soon(2000), 400);
    expect(owner().pid).toBe(process.pid);
    l.release();
  });

  it("a folder left without an owner (killed between mkdir and writing it) is taken after 3 s", async () => {
    mkdirSync(lock);
    const { result, elapsed } = await onFakeClock(() => folderLock(lock, soon(20_000)));
    expect(elapsed, "not before 3 s").toBeGreaterThanOrEqual(3_000);
    expect(elapsed, "soon after").toBeLessThan(5_000);
    result.release();
  });

  it("a holder whose folder was taken over knows it before it writes", async () => {
    const a = await folderLock(lock, soon());
    rmSync(lock, { recursive: true });
    const b = await folderLock(lock, soon());
    expect(() => a.stillHeld()).toThrow(/lost the vault's lock/);
    a.release();
    expect(existsSync(lock), "the loser's release leaves the new holder's folder").toBe(true);
    b.stillHeld();
    b.release();
  });

  it("a symlink or a file at its path: a clear error, nothing removed", async () => {
    writeFileSync(lock, "x");
    expect(await kindOf(folderLock(lock, soon()))).toBe("lock-path");
    expect(readFileSync(lock, "utf8")).toBe("x");
  });
});
