// Key changes killed half-way, as processes (the crash points of the test build): a
// `recovery-key new` or an `init` killed after the write and before the key is shown leaves a
// key that works and an audit finding. The rest of the key-change tests run in-process:
// test/cli/key-change.test.ts.
import { describe, expect, it } from "vitest";
import { otpHome, type OtpHome } from "../helpers/otp-home.js";
import { expectOk, names, newSecret, otp } from "../helpers/e2e-util.js";
import { entry, vaultData, writeSafeVault } from "../helpers/safety-vault.js";

/** Tests that run today's KDF (passwd stretches with 64 MiB): room on the shared 2-core machine. */
const SLOW = 180_000;

async function homeWith(o: { minor0?: boolean } = {}) {
  const h = await otpHome();
  const { recoveryKey } = await writeSafeVault(h.vault, vaultData([entry("github", newSecret())]), { minor0: o.minor0 });
  return Object.assign(h, { recoveryKey: recoveryKey! });
}

const listNames = (h: OtpHome, env: Record<string, string | undefined>) => names(expectOk(otp(h, ["list"], { password: false, env })));

describe("otp recovery-key new", () => {
  it("killed after the new keys are written but before the key is shown: the old key still works, and audit says to run it again", async () => {
    await using h = await homeWith();
    const r = otp(h, ["recovery-key", "new", "--yes"], { env: { OTP_TEST_CRASH_AT: "after-rename" } });
    expect(r.signal).toBe("SIGKILL");
    expect(r.stdout).toBe("");
    expect(listNames(h, { OTP_RECOVERY_KEY: h.recoveryKey })).toEqual(["github"]);
    const audit = otp(h, ["audit", "--json"]);
    expect(audit.code).toBe(1);
    expect(JSON.parse(audit.stdout).findings.map((f: { kind: string }) => f.kind)).toContain("recovery-key-unshown");
    const again = expectOk(otp(h, ["recovery-key", "new", "--yes"])).trim();
    expect(listNames(h, { OTP_RECOVERY_KEY: again })).toEqual(["github"]);
    expect(JSON.parse(otp(h, ["audit", "--json"]).stdout).findings.map((f: { kind: string }) => f.kind)).not.toContain(
      "recovery-key-unshown",
    );
  });
});

describe("otp init", () => {
  it(
    "killed after the vault is written but before the key is shown: audit reports a recovery key never shown",
    async () => {
      await using h = await otpHome();
      const r = otp(h, ["init"], { env: { OTP_TEST_CRASH_AT: "after-rename" } });
      expect(r.signal).toBe("SIGKILL");
      expect(r.stdout).toBe("");
      const audit = JSON.parse(otp(h, ["audit", "--json"]).stdout);
      expect(audit.findings.map((f: { kind: string }) => f.kind)).toContain("recovery-key-unshown");
    },
    SLOW,
  );
});
