// One writer at a time, whatever the clock or the path (docs/locking.md): a live lock is never
// taken by a writer whose clock differs or who reached the vault by another path; a lock whose
// holder died clears at once; what sits at the lock's path by mistake gets a clear error; and
// many writers with mixed clocks and paths lose nothing they acknowledged.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, totp, type OtpHome, OTP_BIN } from "../helpers/otp-home.js";
import { expectFailure, expectOk, names, newSecret, otp, sha256, sleep, spawnOtp, type RunOpts } from "../helpers/e2e-util.js";
import { needTool } from "../helpers/tools.js";
import { holdVaultLock, vaultLockHeld } from "../helpers/vault-lock.js";
import type { RunResult } from "../helpers/otp-home.js";

const hasFaketime = needTool("faketime");

/** `otp ARGS` under libfaketime's clock offset (e.g. "+1h"), as a child to watch. */
function otpWithClock(h: OtpHome, offset: string, args: string[], o: RunOpts = {}): { done: Promise<RunResult>; exited: () => boolean } {
  const child = spawn("faketime", ["-f", offset, process.execPath, OTP_BIN, ...args], {
    env: h.env(o.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let exited = false;
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<RunResult>((resolve) =>
    child.on("close", (code, signal) => ((exited = true), resolve({ code, signal, stdout, stderr }))),
  );
  child.stdin.end(o.input ?? "");
  return { done, exited: () => exited };
}

/** Whether a process other than this one has `path` open (Linux's /proc; false where it cannot be seen). */
function openedByAnother(path: string): boolean {
  for (const pid of existsSync("/proc") ? readdirSync("/proc") : []) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) if (readlinkSync(`/proc/${pid}/fd/${fd}`) === path) return true;
    } catch {
      // gone, or not ours to look at
    }
  }
  return false;
}

/** Waits until the writer has reached the lock (it holds the lock file open), at most `ms`. */
async function writerAtTheLock(path: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !openedByAnother(path)) await sleep(25);
}

/**
 * While this test holds the lock, the writer must not finish; after, it must succeed. The
 * writer is watched for a second after it reached the lock (several of its tries), or 2.5 s
 * where /proc cannot show that it has.
 */
async function waitsForHolder(
  h: OtpHome,
  holdAt: string,
  start: () => { done: Promise<RunResult>; exited: () => boolean },
  name: string,
): Promise<void> {
  const release = await holdVaultLock(holdAt);
  const before = sha256(h.vault);
  const w = start();
  try {
    await writerAtTheLock(`${realpathSync(h.vault)}.lock`, 1_500);
    await sleep(1_000);
    expect(w.exited(), "the writer took a live lock").toBe(false);
    expect(sha256(h.vault), "nothing written while the lock is held").toBe(before);
  } finally {
    release();
  }
  const r = await w.done;
  expect(r.code, r.stderr).toBe(0);
  expect(names(expectOk(otp(h, ["list"])))).toContain(name);
}

describe("a live lock is never taken", () => {
  for (const offset of ["+1h", "-1h"])
    it.skipIf(!hasFaketime)(`by a writer whose clock is ${offset} off`, async () => {
      await using h = await otpHome([totp("alpha", newSecret())]);
      await waitsForHolder(h, h.vault, () => otpWithClock(h, offset, ["add", "late", "--stdin"], { input: newSecret() }), "late");
    });

  it("by a writer that reaches the vault through a symlink", async () => {
    await using h = await otpHome([totp("alpha", newSecret())]);
    const link = join(h.home, "elsewhere", "my.otp");
    mkdirSync(dirname(link), { mode: 0o700 });
    symlinkSync(h.vault, link);
    await waitsForHolder(
      h,
      h.vault,
      () => {
        const s = spawnOtp(h, ["--vault", link, "add", "via-link", "--stdin"], { input: newSecret() });
        let exited = false;
        void s.done.then(() => (exited = true));
        return { done: s.done, exited: () => exited };
      },
      "via-link",
    );
  });
});

describe("locks that are not live", () => {
  it("a writer killed while holding the lock: the next writer goes on at once, not after a stale time", async () => {
    await using h = await otpHome([totp("alpha", newSecret())]);
    const r = otp(h, ["add", "gamma", "--stdin"], { input: newSecret(), env: { OTP_TEST_CRASH_AT: "after-snapshot" } });
    expect(r.signal).toBe("SIGKILL");
    expect(vaultLockHeld(h.vault), "a dead process holds nothing").toBe(false);
    const t0 = Date.now();
    expectOk(otp(h, ["add", "delta", "--stdin"], { input: newSecret() }));
    expect(Date.now() - t0, "well under the old 10 s stale time").toBeLessThan(8_000);
    expect(names(expectOk(otp(h, ["list"])))).toEqual(["alpha", "delta"]);
  });

  it("SIGTERM at random moments while the lock is taken: no lock is ever left held", async () => {
    await using h = await otpHome([totp("alpha", newSecret())]);
    for (let i = 0; i < 20; i++) {
      const { child, done } = spawnOtp(h, ["add", `t${i}`, "--stdin"], { input: newSecret() });
      await sleep(40 + ((i * 37) % 160));
      child.kill("SIGTERM");
      await done;
      expect(vaultLockHeld(h.vault), `run ${i}`).toBe(false);
    }
    expectOk(otp(h, ["add", "after", "--stdin"], { input: newSecret() }));
  });
});

describe("what sits at the lock's path by mistake", () => {
  const cases: [string, (lock: string, h: OtpHome) => void, string][] = [
    ["a dangling symlink", (lock, h) => symlinkSync(join(h.home, "nowhere"), lock), "symbolic link"],
    ["a symlink to a file", (lock, h) => (writeFileSync(join(h.home, "f"), ""), symlinkSync(join(h.home, "f"), lock)), "symbolic link"],
    [
      "a folder with files (pushed by a rogue remote)",
      (lock) => (mkdirSync(lock), writeFileSync(join(lock, "keep"), "")),
      "folder with files",
    ],
  ];
  for (const [what, make, phrase] of cases)
    it(`${what}: one clear line and a hint, exit 1, the vault untouched`, async () => {
      await using h = await otpHome([totp("alpha", newSecret())]);
      const lock = `${h.vault}.lock`;
      make(lock, h);
      const sum = sha256(h.vault);
      const r = otp(h, ["add", "beta", "--stdin"], { input: newSecret() });
      expectFailure(r, 1, phrase);
      expect(r.stderr).toContain("otp: hint: if no otp is running, remove it");
      expect(sha256(h.vault)).toBe(sum);
    });

  it("a plain file at the lock's path is the lock itself: writes go on", async () => {
    await using h = await otpHome([totp("alpha", newSecret())]);
    writeFileSync(`${h.vault}.lock`, "left by someone", { mode: 0o600 });
    expectOk(otp(h, ["add", "beta", "--stdin"], { input: newSecret() }));
  });
});

describe.skipIf(!hasFaketime)("many writers with mixed clocks and paths", () => {
  it("30 adds at once, a third through a symlink, half with the clock an hour off: every acknowledged add is in the vault", async () => {
    await using h = await otpHome([totp("alpha", newSecret())]);
    const link = join(h.home, "elsewhere", "my.otp");
    mkdirSync(dirname(link), { mode: 0o700 });
    symlinkSync(h.vault, link);
    const session = expectOk(otp(h, ["unlock", "--for", "3h"]))
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    const runs = Array.from({ length: 30 }, (_, i) => {
      const args = [...(i % 3 === 0 ? ["--vault", link] : []), "add", `q${i}`, "--stdin"];
      const o = { input: newSecret(), env: { OTP_PASSWORD: undefined, OTP_SESSION: session } };
      return i % 2 === 0 ? otpWithClock(h, i % 4 === 0 ? "-1h" : "+1h", args, o).done : spawnOtp(h, args, o).done;
    });
    const results = await Promise.all(runs);
    const failed = results.map((r, i) => (r.code === 0 ? null : `q${i}: ${r.stderr}`)).filter(Boolean);
    expect(failed, "no writer was refused or lost its lock").toEqual([]);
    const listed = names(expectOk(otp(h, ["list"])));
    for (let i = 0; i < 30; i++) expect(listed).toContain(`q${i}`);
    expect(readdirSync(dirname(h.vault)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(existsSync(`${h.vault}.lock.d`), "the kernel lock was used, not the folder").toBe(false);
  }, 90_000);
});
