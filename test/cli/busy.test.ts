// Exit 1 `busy` (docs/locking.md): a vault whose lock another otp holds is waited for, then
// refused with the holder named, leaving the vault and the lock alone. In process with a fake
// clock, so the 12 s wait passes at once: the lock is held in this process through a descriptor
// of its own (the kernel's lock conflicts between descriptors of one process as it does between
// processes). Other writers across processes: test/e2e/lock.test.ts.
import { dirname } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCK_WAIT_MS } from "../../src/io/vault-lock.js";
import { otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, newSecret, sha256, tmpFilesUnder } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
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
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
      const started = performance.now();
      let done = false;
      const run = otp(h, ["add", "newone", "--stdin"], { input: secret }).finally(() => (done = true));
      // The clock moves only while otp sleeps between tries at the lock (a fake timer is
      // pending); real work, such as the KDF, runs in real time meanwhile.
      const step = async () => {
        await new Promise((r) => setImmediate(r));
        if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
      };
      while (performance.now() - started < LOCK_WAIT_MS - 500) {
        await step();
        expect(done, "still waiting for the lock before LOCK_WAIT_MS").toBe(false);
      }
      while (!done) await step();
      const r = await run;
      vi.useRealTimers();
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
