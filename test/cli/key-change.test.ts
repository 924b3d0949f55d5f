// In-process (test/helpers/cli-run.ts). A password or recovery-key change revokes every old copy (issue: trust). `otp passwd` and
// `otp recovery-key new` draw a new master key, so an old copy (a snapshot, a backup under the
// vault's keys, the sync history) together with an old password or recovery key opens nothing
// written after the change; sessions made under the old keys stop working; the recovery key
// follows a password change; an older vault's recovery slot is converted or reported; and a
// `recovery-key new` killed half-way leaves a key that works.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, names, newSecret } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
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
const listNames = async (h: OtpHome, env: Record<string, string | undefined>) =>
  names(expectOk(await otp(h, ["list"], { password: false, env })));

/**
 * `otp unlock` of an old copy put at the vault's own path (a session belongs to one vault file,
 * so a session of the copy's own file is refused before its keys are looked at); the current
 * vault is put back after. Returns unlock's result.
 */
async function unlockCopyInPlace(h: OtpHome, copy: string, env: Record<string, string | undefined> = {}, password = true) {
  const current = readFileSync(h.vault);
  writeFileSync(h.vault, readFileSync(copy));
  try {
    return await otp(h, ["unlock"], { password, env });
  } finally {
    writeFileSync(h.vault, current);
  }
}

describe("otp passwd", () => {
  it(
    "the attack: a session made from an old snapshot with the old password opens nothing written later, and cannot take the vault",
    async () => {
      await using h = await homeWith();
      const B = writeSecretFile(join(h.home, "B"), "the new password B\n");
      expectOk(await otp(h, ["passwd", "--new-password-file", B]));
      expectOk(
        await otp(h, ["add", "after", "--stdin"], { input: newSecret(), password: false, env: { OTP_PASSWORD: "the new password B" } }),
      );
      const oldest = snapshots(h)[0]!;
      // The thief has the oldest snapshot and the old password "test". A session of the snapshot's
      // own file is another file's; one made with the snapshot put at the vault's path has old keys.
      const own = sessionOf(expectOk(await otp(h, ["--vault", oldest, "unlock"], { env: { OTP_PASSWORD: "test" } })));
      expectFailure(await otp(h, ["list"], { password: false, env: { OTP_SESSION: own } }), 4, "another file of this vault");
      const S = sessionOf(expectOk(await unlockCopyInPlace(h, oldest, { OTP_PASSWORD: "test" })));
      const r = await otp(h, ["list"], { password: false, env: { OTP_SESSION: S } });
      expectFailure(r, 4, "keys the vault no longer has");
      expect(r.stderr).not.toContain("after");
      const attacker = writeSecretFile(join(h.home, "attacker"), "attacker\n");
      expectFailure(
        await otp(h, ["passwd", "--new-password-file", attacker], { password: false, env: { OTP_SESSION: S } }),
        4,
        "keys the vault no longer has",
      );
      // and the old password itself opens the vault no more
      expectFailure(await otp(h, ["list"], { env: { OTP_PASSWORD: "test" } }), 4, "wrong password");
      expect(await listNames(h, { OTP_PASSWORD: "the new password B" })).toEqual(["github", "after"]);
    },
    SLOW,
  );

  it(
    "draws a new master key at the next generation; the recovery key still opens the vault, and no old copy opens the new one",
    async () => {
      await using h = await homeWith();
      const before = readFileSync(h.vault);
      expect(header(h.vault).ext.generation).toBe(1);
      const B = writeSecretFile(join(h.home, "B"), "B\n");
      const r = await otp(h, ["passwd", "--new-password-file", B]);
      expectOk(r);
      expect(r.stderr).toContain("the recovery key still opens the vault");
      expect(header(h.vault).ext.generation).toBe(2);
      expect(header(h.vault).slots.map((s) => s.kind)).toEqual(["password", "recovery-box"]);
      expect(await listNames(h, { OTP_RECOVERY_KEY: h.recoveryKey })).toEqual(["github"]);
      // The old copy, unlocked with the old password, gives a session that fails on the new vault.
      const old = join(h.home, "old.otp");
      writeSecretFile(old, before.toString("utf8"));
      const S = sessionOf(expectOk(await unlockCopyInPlace(h, old)));
      expectFailure(await otp(h, ["list"], { password: false, env: { OTP_SESSION: S } }), 4, "keys the vault no longer has");
    },
    SLOW,
  );

  it(
    "a session whose file another folder kept (not ended by passwd) stops working once the keys change",
    async () => {
      await using h = await homeWith();
      const elsewhere = join(h.home, "run2");
      const S = sessionOf(expectOk(await otp(h, ["unlock"], { env: { XDG_RUNTIME_DIR: elsewhere } })));
      expect(await listNames(h, { OTP_SESSION: S, XDG_RUNTIME_DIR: elsewhere })).toEqual(["github"]);
      expectOk(await otp(h, ["passwd", "--new-password-file", writeSecretFile(join(h.home, "B"), "B\n")]));
      expectFailure(
        await otp(h, ["list"], { password: false, env: { OTP_SESSION: S, XDG_RUNTIME_DIR: elsewhere } }),
        4,
        "keys the vault no longer has",
      );
    },
    SLOW,
  );

  it(
    "a vault of an older otp (minor 0): its recovery slot cannot follow new keys without the key, so passwd says it stopped working",
    async () => {
      await using h = await homeWith({ minor0: true });
      expect(header(h.vault).minor).toBe(0);
      const r = await otp(h, ["passwd", "--new-password-file", writeSecretFile(join(h.home, "B"), "B\n")]);
      expectOk(r);
      expect(r.stderr).toContain("the old recovery key stopped working");
      expect(r.stderr).toContain("otp recovery-key new");
      expect(header(h.vault)).toMatchObject({ minor: 3, ext: { generation: 1 } });
      expect(header(h.vault).slots.map((s) => s.kind)).toEqual(["password"]);
      expectFailure(await otp(h, ["list"], { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey } }), 4, "no recovery key");
    },
    SLOW,
  );

  it(
    "a vault of an older otp opened with its recovery key: passwd converts the recovery slot, and the key keeps working",
    async () => {
      await using h = await homeWith({ minor0: true });
      const r = await otp(h, ["passwd", "--new-password-file", writeSecretFile(join(h.home, "B"), "B\n")], {
        password: false,
        env: { OTP_RECOVERY_KEY: h.recoveryKey },
      });
      expectOk(r);
      expect(r.stderr).toContain("the recovery key still opens the vault");
      expect(header(h.vault).slots.map((s) => s.kind)).toEqual(["password", "recovery-box"]);
      expect(await listNames(h, { OTP_RECOVERY_KEY: h.recoveryKey })).toEqual(["github"]);
      expect(await listNames(h, { OTP_PASSWORD: "B" })).toEqual(["github"]);
    },
    SLOW,
  );
});

describe("otp recovery-key new", () => {
  it("the old key with any old copy opens nothing written after; the new key opens the vault; two generations up", async () => {
    await using h = await homeWith();
    const r = await otp(h, ["recovery-key", "new", "--yes"]);
    const fresh = expectOk(r).trim();
    expect(fresh).not.toBe(h.recoveryKey);
    expect(header(h.vault).ext.generation).toBe(3);
    expect(header(h.vault).slots.map((s) => s.kind)).toEqual(["password", "recovery-box"]);
    expectOk(await otp(h, ["add", "after", "--stdin"], { input: newSecret() }));
    expect(await listNames(h, { OTP_RECOVERY_KEY: fresh })).toEqual(["github", "after"]);
    expectFailure(await otp(h, ["list"], { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey } }), 4, "wrong recovery key");
    for (const snap of snapshots(h)) {
      const opened = await unlockCopyInPlace(h, snap, { OTP_RECOVERY_KEY: h.recoveryKey }, false);
      if (opened.code !== 0) continue; // a copy the old key never opened
      expectFailure(
        await otp(h, ["list"], { password: false, env: { OTP_SESSION: sessionOf(opened.stdout) } }),
        4,
        "keys the vault no longer has",
      );
    }
  });

  it("opened by a session, it needs the vault's password: off a terminal exit 4 with the way to give it, nothing changed", async () => {
    await using h = await homeWith();
    const S = sessionOf(expectOk(await otp(h, ["unlock"])));
    const sum = readFileSync(h.vault);
    const r = await otp(h, ["recovery-key", "new", "--yes"], { password: false, env: { OTP_SESSION: S } });
    expectFailure(r, 4, "needs the vault's password");
    expect(readFileSync(h.vault).equals(sum)).toBe(true);
  });
});

describe("otp init", () => {
  it(
    "a finished init leaves no such mark",
    async () => {
      await using h = await otpHome();
      expectOk(await otp(h, ["init"]));
      const audit = JSON.parse((await otp(h, ["audit", "--json"])).stdout);
      expect(audit.findings.map((f: { kind: string }) => f.kind)).not.toContain("recovery-key-unshown");
    },
    SLOW,
  );
});

describe("backups say which key generation they hold", () => {
  it(
    "backup verify prints it; a backup made before a password change still opens (with the old password, or from the vault's prior keys on restore)",
    async () => {
      await using h = await homeWith();
      const file = join(h.home, "b.otp");
      expectOk(await otp(h, ["backup", file]));
      const v = await otp(h, ["backup", "verify", file]);
      expect(expectOk(v)).toContain("key generation 1");
      expect(JSON.parse(expectOk(await otp(h, ["backup", "verify", file, "--json"]))).generation).toBe(1);
      expectOk(await otp(h, ["passwd", "--new-password-file", writeSecretFile(join(h.home, "B"), "B\n")]));
      expectOk(await otp(h, ["rm", "github", "--yes"], { password: false, env: { OTP_PASSWORD: "B" } }));
      // The vault, now under generation 2 and password B, opens its own older backup without "test".
      const r = await otp(h, ["restore", file], { password: false, env: { OTP_PASSWORD: "B" } });
      expectOk(r);
      expect(await listNames(h, { OTP_PASSWORD: "B" })).toEqual(["github"]);
    },
    SLOW,
  );
});

describe("a totp entry survives every key change", () => {
  it(
    "codes are the same before and after passwd",
    async () => {
      await using h = await otpHome([totp("alpha", "JBSWY3DPEHPK3PXP")]);
      const at = ["code", "alpha", "--at", "1767268800"];
      const before = expectOk(await otp(h, at));
      expectOk(await otp(h, ["passwd", "--new-password-file", writeSecretFile(join(h.home, "B"), "B\n")]));
      expect(expectOk(await otp(h, at, { password: false, env: { OTP_PASSWORD: "B" } }))).toBe(before);
    },
    SLOW,
  );
});
