// The lock's waits (docs/locking.md), in process with a fake clock so that they pass at once.
// Exit 1 `busy`: a vault whose lock another otp holds is waited for, then refused with the
// holder named, leaving the vault and the lock alone; the lock is held in this process through a
// descriptor of its own (the kernel's lock conflicts between descriptors of one process as it
// does between processes). And an older otp's lock folder blocks until it stands still. Other
// writers across processes: test/e2e/lock.test.ts.
import { mkdirSync, utimesSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCK_WAIT_MS, OLD_LOCK_STILL_MS } from "../../src/io/vault-lock.js";
import { otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, names, newSecret, sha256, tmpFilesUnder } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { onFakeClock } from "../helpers/fake-clock.js";
import { holdVaultLock, vaultLockHeld } from "../helpers/vault-lock.js";

afterEach(() => void vi.useRealTimers());

describe("exit 1: busy", () => {
  it("a vault another otp holds is waited for, then exit 1 `busy` naming the holder; the vault and the lock are left alone", async () => {
    const S = newSecret();
    await using h = await otpHome([totp("github", S)]);
    const release = await holdVaultLock(h.vault);
    const sum = sha256(h.vault);
    const secret = newSecret();
    try {
      const { result: r, elapsed } = await onFakeClock(() => otp(h, ["add", "newone", "--stdin"], { input: secret }));
      expect(elapsed, "waited for the lock until LOCK_WAIT_MS").toBeGreaterThanOrEqual(LOCK_WAIT_MS - 500);
      expectFailure(r, 1, "busy", [S, secret]);
      expect(r.stderr).toContain(`${h.vault}.lock`);
      expect(r.stderr, "names the holder").toContain(`otp (pid ${process.pid})`);
      expect(vaultLockHeld(h.vault), "the holder still holds it").toBe(true);
    } finally {
      vi.useRealTimers();
      release();
    }
    expect(sha256(h.vault)).toBe(sum);
    expect(tmpFilesUnder(dirname(h.vault))).toEqual([]);
  });
});

describe("an older otp's lock folder (docs/locking.md)", () => {
  it("with an mtime an hour ahead, blocks until it has stood still, then is removed and the write goes on", async () => {
    await using h = await otpHome([totp("alpha", newSecret())]);
    const old = `${h.vault}.lock`;
    mkdirSync(old);
    const future = new Date(Date.now() + 3600_000);
    utimesSync(old, future, future);
    const { result, elapsed } = await onFakeClock(() => otp(h, ["add", "beta", "--stdin"], { input: newSecret() }));
    expectOk(result);
    expect(elapsed, "waited for the folder to stand still").toBeGreaterThanOrEqual(OLD_LOCK_STILL_MS);
    expect(elapsed, "not until the lock's own wait ran out").toBeLessThan(LOCK_WAIT_MS);
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["alpha", "beta"]);
  });
});
