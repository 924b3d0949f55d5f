// The recovery key and codes where real processes matter (docs/testplan.md B.16, B.17): parallel
// `recovery use` runs never hand out a code twice, and passwd and restore killed at each point of
// the write leave a vault that opens. The rest runs in-process: test/cli/recovery.test.ts.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectNoSecret, expectOk, newSecret, otp, otpAsync, sha256 } from "../helpers/e2e-util.js";
import { codes, entry, vaultData, writeSafeVault, writeSecretFile } from "../helpers/safety-vault.js";

const S1 = newSecret();
/** Tests that run today's KDF (64 MiB, as passwd does) several times: the 2-core machine is shared. */
const SLOW = 180_000;

async function homeWith(data = vaultData([entry("github", S1, { issuer: "GitHub", recoveryCodes: codes(4, "gh") })])) {
  const h = await otpHome();
  const { recoveryKey } = await writeSafeVault(h.vault, data);
  return Object.assign(h, { recoveryKey: recoveryKey! });
}

const listJson = (h: OtpHome, env: Record<string, string | undefined>) =>
  JSON.parse(expectOk(otp(h, ["list", "--json"], { password: false, env })));

describe("recovery codes", () => {
  it("`recovery use` run in parallel never hands out the same code twice", async () => {
    const n = 8;
    const all = codes(n, "par");
    await using h = await homeWith(vaultData([entry("github", S1, { recoveryCodes: all })]));
    const runs = await Promise.all(
      Array.from({ length: n + 2 }, () => otpAsync(h, ["recovery", "use", "github"], { env: { OTP_NO_BACKUP_REMINDER: "1" } })),
    );
    const ok = runs.filter((r) => r.code === 0);
    const failed = runs.filter((r) => r.code !== 0);
    const handed = ok.map((r) => r.stdout.trim());
    expect(handed.sort()).toEqual(all.map((c) => c.code).sort());
    expect(failed).toHaveLength(2);
    for (const r of failed) expectFailure(r, 1, "are used");
    const left = JSON.parse(expectOk(otp(h, ["recovery", "list", "github", "--json"])));
    expect(left.unused).toBe(0);
    for (const r of runs) expectNoSecret(r.stdout + r.stderr, S1);
  });
});

describe("passwd and restore killed at each point of the write (docs/testplan.md B.16, D.24)", () => {
  for (const point of ["mid-write", "after-fsync", "after-snapshot", "after-rename"]) {
    it(
      `${point}: the old or the new password works, never neither; the recovery key always does`,
      async () => {
        await using h = await homeWith();
        const pw = writeSecretFile(join(h.home, "new"), "fresh\n");
        const r = otp(h, ["passwd", "--new-password-file", pw], { env: { OTP_TEST_CRASH_AT: point } });
        expect(r.signal, r.stderr).toBe("SIGKILL");
        const old = otp(h, ["list"], { env: { OTP_PASSWORD: "test" } });
        const fresh = otp(h, ["list"], { env: { OTP_PASSWORD: "fresh" } });
        expect([old.code, fresh.code]).toEqual(point === "after-rename" ? [4, 0] : [0, 4]);
        expect(listJson(h, { OTP_RECOVERY_KEY: h.recoveryKey }).map((e: { name: string }) => e.name)).toEqual(["github"]);
      },
      SLOW,
    );
  }

  it("restore killed before the rename: the vault as it was; after it: the restored one", async () => {
    await using h = await homeWith();
    const file = join(h.home, "b.otp");
    expectOk(otp(h, ["backup", file]));
    expectOk(otp(h, ["rm", "github", "--yes"]));
    const sum = sha256(h.vault);
    expect(otp(h, ["restore", file], { env: { OTP_TEST_CRASH_AT: "after-snapshot" } }).signal).toBe("SIGKILL");
    expect(sha256(h.vault)).toBe(sum);
    rmSync(`${h.vault}.lock`, { recursive: true, force: true });
    expect(otp(h, ["restore", file], { env: { OTP_TEST_CRASH_AT: "after-rename" } }).signal).toBe("SIGKILL");
    rmSync(`${h.vault}.lock`, { recursive: true, force: true });
    expect(listJson(h, { OTP_PASSWORD: "test" }).map((e: { name: string }) => e.name)).toEqual(["github"]);
  });
});
