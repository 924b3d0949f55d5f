// Crash safety (docs/testplan.md D.24, E.35): SIGKILL at the named points of the write protocol
// (the test-only OTP_TEST_CRASH_AT hook) and at random moments → the vault still opens and
// holds every entry whose `add` was acknowledged (exit 0); never an empty or mixed vault.
// A killed process holds no lock (it is the kernel's, and goes with the process).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { vaultLockHeld } from "../helpers/vault-lock.js";
import { expectOk, hotpRef, names, newSecret, otp, prng, sha256, sleep, spawnOtp } from "../helpers/e2e-util.js";

const POINTS = ["mid-write", "after-fsync", "after-snapshot", "after-rename"] as const;

/** The killed writer's lock went with it (a kernel lock): nothing to clean up, nothing held. */
function expectLockFree(h: OtpHome): void {
  expect(vaultLockHeld(h.vault), "a killed writer holds no lock").toBe(false);
}

describe("SIGKILL at each point of the write protocol", () => {
  for (const point of POINTS) {
    it(`${point}: the vault opens and holds exactly the old or (after the rename) the new entries`, async () => {
      const [s1, s2, s3, s4] = [newSecret(), newSecret(), newSecret(), newSecret()];
      await using h = await otpHome([totp("alpha", s1), totp("beta", s2)]);
      const before = readFileSync(h.vault);
      const r = otp(h, ["add", "gamma", "--stdin"], { input: s3, env: { OTP_TEST_CRASH_AT: point } });
      expect(r.signal, `the crash hook fired: ${r.stderr}`).toBe("SIGKILL");
      expect(r.stdout, "nothing acknowledged").toBe("");

      const listed = names(expectOk(otp(h, ["list"])));
      if (point === "after-rename") {
        expect(listed).toEqual(["alpha", "beta", "gamma"]);
        expect(JSON.parse(expectOk(otp(h, ["show", "gamma", "--reveal", "--json"]))).secret).toBe(s3);
      } else {
        expect(listed).toEqual(["alpha", "beta"]);
        expect(readFileSync(h.vault).equals(before), "old vault byte-for-byte").toBe(true);
      }
      expectLockFree(h);
      // And it takes writes again.
      expectOk(otp(h, ["add", "delta", "--stdin"], { input: s4 }));
      expect(names(expectOk(otp(h, ["list"])))).toContain("delta");
    });
  }

  it("HOTP `code` killed after the rename: the counter moved on, the code was never shown, none is reused", async () => {
    const secret = newSecret();
    await using h = await otpHome([hotp("token", secret, 10)]);
    const r = otp(h, ["code", "token"], { env: { OTP_TEST_CRASH_AT: "after-rename" } });
    expect(r.signal).toBe("SIGKILL");
    expect(r.stdout).toBe("");
    expectLockFree(h);
    expect(JSON.parse(expectOk(otp(h, ["show", "token", "--json"]))).counter).toBe(11);
    expect(expectOk(otp(h, ["code", "token"]))).toBe(hotpRef(secret, 11) + "\n");
  });

  it("HOTP `code` killed before the rename: counter and vault unchanged", async () => {
    const secret = newSecret();
    await using h = await otpHome([hotp("token", secret, 10)]);
    const sum = sha256(h.vault);
    const r = otp(h, ["code", "token"], { env: { OTP_TEST_CRASH_AT: "after-snapshot" } });
    expect(r.signal).toBe("SIGKILL");
    expect(r.stdout).toBe("");
    expect(sha256(h.vault)).toBe(sum);
    expectLockFree(h);
    expect(expectOk(otp(h, ["code", "token"]))).toBe(hotpRef(secret, 10) + "\n");
  });
});

describe("SIGKILL at random moments", () => {
  it("`otp add` killed at random moments, 16 times (half of them while it holds the lock): the vault opens and holds every acknowledged entry", async () => {
    await using h = await otpHome([totp("base", newSecret())]);
    // How long an undisturbed add takes here, so the delays cover start-up, KDF, lock and write.
    const t0 = Date.now();
    expectOk(otp(h, ["add", "warmup", "--stdin"], { input: newSecret() }));
    const span = Math.max(150, Math.round((Date.now() - t0) * 1.2));

    const seed = 6238;
    const rand = prng(seed);
    const acknowledged = ["base", "warmup"];
    const attempted = new Set(acknowledged);
    let killed = 0;
    let killedInWrite = 0;
    for (let i = 0; i < 16; i++) {
      const name = `k${i}`;
      attempted.add(name);
      const { child, done } = spawnOtp(h, ["add", name, "--stdin"], { input: newSecret() });
      let exited = false;
      void done.then(() => (exited = true));
      let when: string;
      if (i % 2 === 0) {
        const delay = Math.floor(rand() * span);
        when = `${delay} ms after start`;
        await sleep(delay);
      } else {
        // Aim at the write itself: wait until the lock is taken, then kill within 0–15 ms.
        while (!exited && !vaultLockHeld(h.vault)) await sleep(1);
        if (!exited) killedInWrite++;
        const delay = Math.floor(rand() * 16);
        when = `${delay} ms after the lock was taken`;
        await sleep(delay);
      }
      child.kill("SIGKILL");
      const r = await done;
      const where = `k${i}, killed ${when} (seed ${seed})`;
      // Acknowledged: exit 0, or killed after it printed "NAME: CODE" (only printed once saved).
      if (r.code === 0) expect(r.stdout, where).toMatch(new RegExp(`^${name}: \\d{6}\\n$`));
      else {
        expect(r.signal, `${where}: ${r.stderr}`).toBe("SIGKILL");
        expect(["", `${name}: `], where).toContain(r.stdout.replace(/\d{6}\n$/, ""));
        killed++;
        expectLockFree(h);
      }
      if (r.stdout !== "") acknowledged.push(name);
      // After every kill the vault opens and nothing acknowledged is missing.
      const listed = names(expectOk(otp(h, ["list"])));
      for (const a of acknowledged) expect(listed, where).toContain(a);
      for (const l of listed) expect(attempted.has(l), `${where}: unexpected entry ${l}`).toBe(true);
    }
    expect(killed, `some runs were killed (span ${span} ms)`).toBeGreaterThan(0);
    expect(killedInWrite, "some were killed while holding the lock").toBeGreaterThan(0);
  }, 60_000);
});
