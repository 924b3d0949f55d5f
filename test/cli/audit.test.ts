// In-process (test/helpers/cli-run.ts). `otp audit` end to end: each problem found in a vault built to have it, nothing in a clean one
// (exit 0 / 1, --json); and the backup reminder after a change (OTP_NO_BACKUP_REMINDER=1).
import { chmodSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FindingKind } from "../../src/core/audit.js";
import { entriesState } from "../../src/core/vault/backup-state.js";
import { otpHome } from "../helpers/otp-home.js";
import { expectFailure, expectNoSecret, expectOk, newSecret } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { DEFAULT_ARGON2, codes, entry, vaultData, writeSafeVault } from "../helpers/safety-vault.js";
import type { Entry } from "../../src/core/entry.js";

const S1 = newSecret();
const S2 = newSecret();
const DAY = 24 * 3600 * 1000;
/** Tests of vaults with today's KDF (64 MiB): the 2-core machine is shared. */
const SLOW = 120_000;

function backedUp(entries: Entry[], at = new Date().toISOString()) {
  return vaultData(entries, {
    createdAt: "2026-01-01T00:00:00.000Z",
    lastBackup: { at, state: entriesState(entries), file: "/media/usb/otp.otp" },
  });
}
const cleanEntries = () => [
  entry("github", S1, { recoveryCodes: codes(10, "gh") }),
  entry("gitlab", S2, { recoveryCodes: codes(8, "gl", 2) }),
];

describe("otp audit", () => {
  it(
    "a clean vault: exit 0, nothing on standard output, 'nothing found'; --json says ok",
    async () => {
      await using h = await otpHome();
      await writeSafeVault(h.vault, backedUp(cleanEntries()), { params: DEFAULT_ARGON2 });
      const r = await otp(h, ["audit"]);
      expect(expectOk(r)).toBe("");
      expect(r.stderr).toContain("nothing found");
      expect(JSON.parse(expectOk(await otp(h, ["audit", "--json"])))).toMatchObject({ ok: true, findings: [] });
    },
    SLOW,
  );

  it("a vault with every problem: each found, with a fix; exit 1 with one error line; no secret shown", async () => {
    await using h = await otpHome();
    const entries = [
      entry("github", S1, { recoveryCodes: [] }),
      entry("gitlab", S2, { recoveryCodes: codes(5, "gl", 4) }),
      entry("short", "GEZDGNBVGY3TQOJQ", { recoveryCodes: codes(5, "sh") }),
      entry("github-2", S1, { recoveryCodes: codes(5, "g2") }),
    ];
    // cheap KDF (weaker than today's), no recovery key, no backup ever
    await writeSafeVault(h.vault, vaultData(entries), { recoveryKey: false });
    chmodSync(h.vault, 0o640);
    const tmp = join(dirname(h.vault), ".vault.otp.0123456789ab.tmp");
    writeFileSync(tmp, "x");
    utimesSync(tmp, new Date(Date.now() - DAY), new Date(Date.now() - DAY));

    const r = await otp(h, ["audit", "--json"]);
    expectFailure({ ...r, stdout: "" }, 1, "findings could cost you an account", [S1, S2], { warningsFirst: true });
    const out = JSON.parse(r.stdout) as { ok: boolean; findings: { kind: FindingKind; entries?: string[]; fix: string }[] };
    expect(out.ok).toBe(false);
    const found = out.findings.map((f) => `${f.kind}${f.entries ? ` ${f.entries.join(",")}` : ""}`);
    expect(found.sort()).toEqual(
      [
        "loose-permissions",
        "leftover-file",
        "no-recovery-key",
        "weak-kdf",
        "no-backup",
        "no-recovery-codes github",
        "few-recovery-codes gitlab",
        "short-secret short",
        "duplicate-secret github,github-2",
      ].sort(),
    );
    for (const f of out.findings) expect(f.fix.length).toBeGreaterThan(5);
    expectNoSecret(r.stdout, S1);
    // the text form: each finding and its fix
    const text = await otp(h, ["audit"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      "- github: no recovery codes\n  fix: get the site's recovery (backup) codes from its 2FA settings, then `otp recovery add github`",
    );
    expect(text.stdout).toContain(`  fix: \`chmod 600 ${h.vault}\``);
  });

  it(
    "a changed vault since its backup, and a folder others can write (reported without opening the vault)",
    async () => {
      await using h = await otpHome();
      const e = cleanEntries();
      const d = backedUp(e);
      d.entries = [...e, entry("new", newSecret(), { recoveryCodes: codes(10, "n") })];
      await writeSafeVault(h.vault, d, { params: DEFAULT_ARGON2 });
      const r = await otp(h, ["audit", "--json"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings.map((f: { kind: string }) => f.kind)).toEqual(["backup-outdated"]);
      chmodSync(dirname(h.vault), 0o777);
      try {
        const w = await otp(h, ["audit"], { password: false });
        expect(w.code).toBe(1);
        expect(w.stdout).toContain("can be changed by other users");
        expect(w.stderr).toContain("the rest of the audit needs the vault to open");
      } finally {
        chmodSync(dirname(h.vault), 0o700);
      }
    },
    SLOW,
  );
});

describe("the backup reminder", () => {
  it("after a change, when the last backup is more than 7 days older: one hint on standard error; silenced; gone after a backup", async () => {
    await using h = await otpHome();
    await writeSafeVault(h.vault, backedUp(cleanEntries(), new Date(Date.now() - 30 * DAY).toISOString()));
    const loud = { OTP_NO_BACKUP_REMINDER: undefined };
    // reading is no change
    expect((await otp(h, ["list"], { env: loud })).stderr).toBe("");
    const r = await otp(h, ["add", "one", "--stdin"], { input: newSecret(), env: loud });
    expectOk(r);
    const hints = r.stderr.split("\n").filter((l) => l.includes("otp backup"));
    expect(hints).toEqual([
      "otp: hint: the last verified backup is 30 days older than this change: run `otp backup` (OTP_NO_BACKUP_REMINDER=1 silences this)",
    ]);
    expect((await otp(h, ["add", "two", "--stdin"], { input: newSecret(), env: { OTP_NO_BACKUP_REMINDER: "1" } })).stderr).not.toContain(
      "otp backup",
    );
    expectOk(await otp(h, ["backup", join(h.home, "b.otp")], { env: loud }));
    expect((await otp(h, ["add", "three", "--stdin"], { input: newSecret(), env: loud })).stderr).not.toContain("run `otp backup`");
  });

  it("never backed up, and older than 7 days: says so", async () => {
    await using h = await otpHome();
    await writeSafeVault(h.vault, vaultData(cleanEntries(), { createdAt: new Date(Date.now() - 9 * DAY).toISOString() }));
    const r = await otp(h, ["recovery", "use", "github"], { env: { OTP_NO_BACKUP_REMINDER: undefined } });
    expect(expectOk(r)).toBe("gh-0000\n");
    expect(r.stderr).toContain("otp: hint: this vault has never been backed up (9 days old): run `otp backup`");
  });
});
