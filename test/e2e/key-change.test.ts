// A password or recovery-key change revokes every old copy (issue: trust). `otp passwd` and
// `otp recovery-key new` draw a new master key, so an old copy (a snapshot, a backup under the
// vault's keys, the sync history) together with an old password or recovery key opens nothing
// written after the change; sessions made under the old keys stop working; the recovery key
// follows a password change; an older vault's recovery slot is converted or reported; and a
// `recovery-key new` killed half-way leaves a key that works.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, names, newSecret, otp } from "../helpers/e2e-util.js";
import { entry, vaultData, writeSafeVault, writeSecretFile } from "../helpers/safety-vault.js";

/** Tests that run today's KDF (passwd stretches with 64 MiB): room on the shared 2-core machine. */
const SLOW = 180_000;

async function homeWith(o: { minor0?: boolean } = {}) {
  const h = await otpHome();
  const { recoveryKey } = await writeSafeVault(h.vault, vaultData([entry("github", newSecret())]), { minor0: o.minor0 });
  return Object.assign(h, { recoveryKey: recoveryKey! });
}

const header = (path: string) =>
  JSON.parse(readFileSync(path, "utf8")) as { minor: number; ext: { generation?: number }; slots: { kind: string }[] };
const snapshots = (h: OtpHome) =>
  readdirSync(join(dirname(h.vault), "snapshots"))
    .sort()
    .map((n) => join(dirname(h.vault), "snapshots", n));
const sessionOf = (stdout: string) => stdout.trim().replace(/^export OTP_SESSION=/, "");
const listNames = (h: OtpHome, env: Record<string, string | undefined>) => names(expectOk(otp(h, ["list"], { password: false, env })));

/**
 * `otp unlock` of an old copy put at the vault's own path (a session belongs to one vault file,
 * so a session of the copy's own file is refused before its keys are looked at); the current
 * vault is put back after. Returns unlock's result.
 */
function unlockCopyInPlace(h: OtpHome, copy: string, env: Record<string, string | undefined> = {}, password = true) {
  const current = readFileSync(h.vault);
  writeFileSync(h.vault, readFileSync(copy));
  try {
    return otp(h, ["unlock"], { password, env });
  } finally {
    writeFileSync(h.vault, current);
  }
}

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
