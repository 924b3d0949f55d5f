// The recovery key and recovery codes end to end (docs/testplan.md B.16, B.17): `otp init` prints the
// key once on standard output; the key opens the vault after the password is forgotten, and
// `otp passwd` then sets a new one; a mistyped group is caught with a clear message; recovery
// codes are added, listed, handed out once each (also to parallel runs) and removed.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectNoSecret, expectOk, newSecret, otp, otpAsync, sha256 } from "../helpers/e2e-util.js";
import { codes, entry, vaultData, writeSafeVault, writeSecretFile } from "../helpers/safety-vault.js";

const KEY = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){6}$/;
const S1 = newSecret();
/** Tests that run today's KDF (64 MiB, as passwd does) several times: the 2-core machine is shared. */
const SLOW = 180_000;

async function homeWith(data = vaultData([entry("github", S1, { issuer: "GitHub", recoveryCodes: codes(4, "gh") })])) {
  const h = await otpHome();
  const { recoveryKey } = await writeSafeVault(h.vault, data);
  return Object.assign(h, { recoveryKey: recoveryKey! });
}

const slots = (h: OtpHome) => (JSON.parse(readFileSync(h.vault, "utf8")).slots as { kind: string }[]).map((s) => s.kind);
const listJson = (h: OtpHome, env: Record<string, string | undefined>) => JSON.parse(expectOk(otp(h, ["list", "--json"], { password: false, env })));

describe("otp init and the recovery key", () => {
  it("off a terminal: the key alone on standard output, the advice on standard error; the vault has the slot", async () => {
    await using h = await otpHome();
    const r = otp(h, ["init"]);
    const key = expectOk(r).trim();
    expect(key).toMatch(KEY);
    expect(r.stdout).toBe(`${key}\n`);
    expect(r.stderr).not.toContain(key);
    expect(r.stderr).toContain("the recovery key was printed on standard output, this once");
    expect(slots(h)).toEqual(["password", "recovery-box"]);
    expect(listJson(h, { OTP_RECOVERY_KEY: key })).toEqual([]);
  }, SLOW);

  it("--no-recovery-key: nothing on standard output, a warning, and audit will say so", async () => {
    await using h = await otpHome();
    const r = otp(h, ["init", "--no-recovery-key"]);
    expect(expectOk(r)).toBe("");
    expect(r.stderr).toContain("warning: no recovery key");
    expect(slots(h)).toEqual(["password"]);
    expectFailure(otp(h, ["list"], { password: false, env: { OTP_RECOVERY_KEY: "0000-0000" } }), 2, "not a valid recovery key");
  }, SLOW);
});

describe("a forgotten password", () => {
  it("OTP_RECOVERY_KEY opens the vault; unlock --recovery-key, then passwd sets a new password; entries, key and ids unchanged", async () => {
    await using h = await homeWith();
    const before = listJson(h, { OTP_PASSWORD: "test" });
    // the password is forgotten: only the key
    expect(listJson(h, { OTP_RECOVERY_KEY: h.recoveryKey })).toEqual(before);
    expect(listJson(h, { OTP_RECOVERY_KEY: h.recoveryKey.toLowerCase().replace(/-/g, " ") })).toEqual(before);
    const unlock = otp(h, ["unlock", "--recovery-key"], { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey } });
    const session = expectOk(unlock).trim().replace(/^export OTP_SESSION=/, "");
    expect(unlock.stderr).toContain("`otp passwd` in that shell sets a new one");
    const pw = writeSecretFile(join(h.home, "new"), "brand new password\n");
    const r = otp(h, ["passwd", "--new-password-file", pw], { password: false, env: { OTP_SESSION: session } });
    expectOk(r);
    expect(r.stderr).toContain("password changed");
    expect(r.stderr).toContain("ended 1 session");
    expect(r.stderr).toContain("backups keep the password they were made with");
    expectFailure(otp(h, ["list"], { env: { OTP_PASSWORD: "test" } }), 4, "wrong password");
    expect(listJson(h, { OTP_PASSWORD: "brand new password" })).toEqual(before);
    expect(listJson(h, { OTP_RECOVERY_KEY: h.recoveryKey })).toEqual(before);
    // passwd ended the session it was run from
    expectFailure(otp(h, ["list"], { password: false, env: { OTP_SESSION: session } }), 4, "session");
    // today's KDF settings (the test vault had the cheap ones)
    const slot = JSON.parse(readFileSync(h.vault, "utf8")).slots.find((s: { kind: string }) => s.kind === "password");
    expect(slot.kdf).toMatchObject({ ops: 3, mem: 64 * 1024 * 1024 });
    expect(slots(h)).toEqual(["password", "recovery-box"]);
  }, SLOW);

  it("a mistyped group: exit 2 naming the group, never the key; a wrong key: exit 4; the vault untouched", async () => {
    await using h = await homeWith();
    const sum = sha256(h.vault);
    const groups = h.recoveryKey.split("-");
    const c = groups[2]![1] === "7" ? "8" : "7";
    groups[2] = groups[2]![0] + c + groups[2]!.slice(2);
    const typo = groups.join("-");
    for (const args of [["list"], ["unlock", "--recovery-key"]]) {
      const r = otp(h, args, { password: false, env: { OTP_RECOVERY_KEY: typo } });
      expectFailure(r, 2, "group 3 has a typo (its check character does not match)", [S1]);
      expect(r.stderr).not.toContain(groups[2]);
    }
    const other = (await homeWith()).recoveryKey;
    expectFailure(otp(h, ["list"], { password: false, env: { OTP_RECOVERY_KEY: other } }), 4, "wrong recovery key");
    expect(sha256(h.vault)).toBe(sum);
  });

  it("no key given off a terminal: exit 4 with the way to give one; a vault without a recovery slot says so", async () => {
    await using h = await homeWith();
    expectFailure(otp(h, ["unlock", "--recovery-key"], { password: false }), 4, "OTP_RECOVERY_KEY");
    await using bare = await otpHome();
    await writeSafeVault(bare.vault, vaultData([]), { recoveryKey: false });
    expectFailure(otp(bare, ["list"], { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey } }), 4, "has no recovery key");
  });

  it("the wrong-password error points at the recovery key", async () => {
    await using h = await homeWith();
    expectFailure(otp(h, ["list"], { env: { OTP_PASSWORD: "nope" } }), 4, "otp unlock --recovery-key");
  });
});

describe("otp recovery-key new", () => {
  it("replaces the key with --yes (asks otherwise); the old stops working, the new one works", async () => {
    await using h = await homeWith();
    expectFailure(otp(h, ["recovery-key", "new"]), 2, "without confirmation");
    const r = otp(h, ["recovery-key", "new", "--yes"]);
    const key = expectOk(r).trim();
    expect(key).toMatch(KEY);
    expect(r.stderr).toContain("the old recovery key no longer opens the vault");
    expectFailure(otp(h, ["list"], { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey } }), 4, "wrong recovery key");
    expect(listJson(h, { OTP_RECOVERY_KEY: key }).map((e: { name: string }) => e.name)).toEqual(["github"]);
    expect(slots(h)).toEqual(["password", "recovery-box"]);
  });

  it("a vault without one gets one without a question", async () => {
    await using h = await otpHome();
    await writeSafeVault(h.vault, vaultData([]), { recoveryKey: false });
    const key = expectOk(otp(h, ["recovery-key", "new"])).trim();
    expect(listJson(h, { OTP_RECOVERY_KEY: key })).toEqual([]);
  });
});

describe("recovery codes", () => {
  it("add from standard input or --file (skipping ones kept), list masked or revealed, remove --used, remove all", async () => {
    await using h = await homeWith(vaultData([entry("github", S1, { issuer: "GitHub" })]));
    const add = otp(h, ["recovery", "add", "github"], { input: "1. abcde-12345\n2. fghij-67890\n" });
    expectOk(add);
    expect(add.stderr).toContain('added 2 recovery codes to "github"');
    const file = writeSecretFile(join(h.home, "codes.txt"), "fghij-67890 klmno-13579\n");
    expect(otp(h, ["recovery", "add", "gh", "--file", file]).stderr).toContain("added 1 recovery code to \"github\", skipped 1 already kept; it has 3 now");
    const masked = otp(h, ["recovery", "list", "github"]);
    expect(expectOk(masked)).toBe("1.  *****-***45\n2.  *****-***90\n3.  *****-***79\n");
    for (const c of ["abcde-12345", "fghij-67890", "klmno-13579"]) expect(masked.stdout + masked.stderr).not.toContain(c);
    expect(expectOk(otp(h, ["recovery", "use", "github"]))).toBe("abcde-12345\n");
    const shown = expectOk(otp(h, ["recovery", "list", "github", "--reveal"]));
    expect(shown).toMatch(/^1\.  abcde-12345  used \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n2\.  fghij-67890\n3\.  klmno-13579\n$/);
    expect(JSON.parse(expectOk(otp(h, ["list", "--json"])))[0].recoveryCodes).toEqual({ total: 3, unused: 2 });
    expect(otp(h, ["recovery", "remove", "github", "--used"]).stderr).toContain("removed 1 used recovery code");
    expectFailure(otp(h, ["recovery", "remove", "github"]), 2, "without confirmation");
    expectOk(otp(h, ["recovery", "remove", "github", "--yes"]));
    expect(otp(h, ["recovery", "list", "github"]).stderr).toContain('"github" has no recovery codes');
    expectFailure(otp(h, ["recovery", "use", "github"]), 1, '"github" has no recovery codes');
  });

  it("use warns when two or fewer are left, and fails when none is", async () => {
    await using h = await homeWith(vaultData([entry("github", S1, { recoveryCodes: codes(3, "gh") })]));
    expect(otp(h, ["recovery", "use", "github"]).stderr).toContain("only 2 unused recovery codes left");
    expect(otp(h, ["recovery", "use", "github"]).stderr).toContain("only 1 unused recovery code left");
    expect(otp(h, ["recovery", "use", "github"]).stderr).toContain("that was the last unused recovery code");
    const none = otp(h, ["recovery", "use", "github"]);
    expectFailure(none, 1, "all 3 recovery codes of \"github\" are used", [S1]);
    expect(none.stderr).not.toContain("gh-000");
    expect(none.stderr).toContain("otp recovery add github --replace");
  });

  it("bad input: nothing given, an otpauth URI, codes from standard input beside --password-file -", async () => {
    await using h = await homeWith();
    const sum = sha256(h.vault);
    expectFailure(otp(h, ["recovery", "add", "github"], { input: "\n\n" }), 2, "no recovery codes given");
    expectFailure(otp(h, ["recovery", "add", "github"], { input: `otpauth://totp/x?secret=${S1}` }), 2, "is an otpauth URI", [S1]);
    expectFailure(otp(h, ["--password-file", "-", "recovery", "add", "github"], { input: "test\n" }), 2, "cannot both come from standard input");
    expect(sha256(h.vault)).toBe(sum);
  });

  it("`recovery use` run in parallel never hands out the same code twice", async () => {
    const n = 8;
    const all = codes(n, "par");
    await using h = await homeWith(vaultData([entry("github", S1, { recoveryCodes: all })]));
    const runs = await Promise.all(Array.from({ length: n + 2 }, () => otpAsync(h, ["recovery", "use", "github"], { env: { OTP_NO_BACKUP_REMINDER: "1" } })));
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
    it(`${point}: the old or the new password works, never neither; the recovery key always does`, async () => {
      await using h = await homeWith();
      const pw = writeSecretFile(join(h.home, "new"), "fresh\n");
      const r = otp(h, ["passwd", "--new-password-file", pw], { env: { OTP_TEST_CRASH_AT: point } });
      expect(r.signal, r.stderr).toBe("SIGKILL");
      const old = otp(h, ["list"], { env: { OTP_PASSWORD: "test" } });
      const fresh = otp(h, ["list"], { env: { OTP_PASSWORD: "fresh" } });
      expect([old.code, fresh.code]).toEqual(point === "after-rename" ? [4, 0] : [0, 4]);
      expect(listJson(h, { OTP_RECOVERY_KEY: h.recoveryKey }).map((e: { name: string }) => e.name)).toEqual(["github"]);
    }, SLOW);
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
