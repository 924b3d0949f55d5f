// In-process (test/helpers/cli-run.ts). The recovery key and recovery codes end to end (docs/testplan.md B.16, B.17): `otp init` prints the
// key once on standard output; the key opens the vault after the password is forgotten, and
// `otp passwd` then sets a new one; a mistyped group is caught with a clear message; recovery
// codes are added, listed, handed out once each (also to parallel runs) and removed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, newSecret, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { DEFAULT_ARGON2 } from "../../src/core/vault/kdf.js";
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
const listJson = async (h: OtpHome, env: Record<string, string | undefined>) =>
  JSON.parse(expectOk(await otp(h, ["list", "--json"], { password: false, env })));

describe("otp init and the recovery key", () => {
  it(
    "off a terminal: the key alone on standard output, the advice on standard error; the vault has the slot",
    async () => {
      await using h = await otpHome();
      const r = await otp(h, ["init"]);
      const key = expectOk(r).trim();
      expect(key).toMatch(KEY);
      expect(r.stdout).toBe(`${key}\n`);
      expect(r.stderr).not.toContain(key);
      expect(r.stderr).toContain("the recovery key was printed on standard output, this once");
      expect(slots(h)).toEqual(["password", "recovery-box"]);
      expect(await listJson(h, { OTP_RECOVERY_KEY: key })).toEqual([]);
    },
    SLOW,
  );

  it(
    "--no-recovery-key: nothing on standard output, a warning, and audit will say so",
    async () => {
      await using h = await otpHome();
      const r = await otp(h, ["init", "--no-recovery-key"]);
      expect(expectOk(r)).toBe("");
      expect(r.stderr).toContain("warning: no recovery key");
      expect(slots(h)).toEqual(["password"]);
      expectFailure(await otp(h, ["list"], { password: false, env: { OTP_RECOVERY_KEY: "0000-0000" } }), 2, "not a valid recovery key");
    },
    SLOW,
  );
});

describe("a forgotten password", () => {
  it(
    "OTP_RECOVERY_KEY opens the vault; unlock --recovery-key, then passwd sets a new password; entries, key and ids unchanged",
    async () => {
      await using h = await homeWith();
      const before = await listJson(h, { OTP_PASSWORD: "test" });
      // the password is forgotten: only the key
      expect(await listJson(h, { OTP_RECOVERY_KEY: h.recoveryKey })).toEqual(before);
      expect(await listJson(h, { OTP_RECOVERY_KEY: h.recoveryKey.toLowerCase().replace(/-/g, " ") })).toEqual(before);
      const unlock = await otp(h, ["unlock", "--recovery-key"], { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey } });
      const session = expectOk(unlock)
        .trim()
        .replace(/^export OTP_SESSION=/, "");
      expect(unlock.stderr).toContain("`otp passwd` in that shell sets a new one");
      const pw = writeSecretFile(join(h.home, "new"), "brand new password\n");
      const r = await otp(h, ["passwd", "--new-password-file", pw], {
        password: false,
        env: { OTP_SESSION: session },
        kdf: DEFAULT_ARGON2,
      });
      expectOk(r);
      expect(r.stderr).toContain("password changed");
      expect(r.stderr).toContain("ended 1 session");
      expect(r.stderr).toContain("backups keep the password they were made with");
      expectFailure(await otp(h, ["list"], { env: { OTP_PASSWORD: "test" } }), 4, "wrong password");
      expect(await listJson(h, { OTP_PASSWORD: "brand new password" })).toEqual(before);
      expect(await listJson(h, { OTP_RECOVERY_KEY: h.recoveryKey })).toEqual(before);
      // passwd ended the session it was run from
      expectFailure(await otp(h, ["list"], { password: false, env: { OTP_SESSION: session } }), 4, "session");
      // today's KDF settings (the test vault had the cheap ones)
      const slot = JSON.parse(readFileSync(h.vault, "utf8")).slots.find((s: { kind: string }) => s.kind === "password");
      expect(slot.kdf).toMatchObject({ ops: 3, mem: 64 * 1024 * 1024 });
      expect(slots(h)).toEqual(["password", "recovery-box"]);
    },
    SLOW,
  );

  it("a mistyped group: exit 2 naming the group, never the key; a wrong key: exit 4; the vault untouched", async () => {
    await using h = await homeWith();
    const sum = sha256(h.vault);
    const groups = h.recoveryKey.split("-");
    const c = groups[2]![1] === "7" ? "8" : "7";
    groups[2] = groups[2]![0] + c + groups[2]!.slice(2);
    const typo = groups.join("-");
    for (const args of [["list"], ["unlock", "--recovery-key"]]) {
      const r = await otp(h, args, { password: false, env: { OTP_RECOVERY_KEY: typo } });
      expectFailure(r, 2, "group 3 has a typo (its check character does not match)", [S1]);
      expect(r.stderr).not.toContain(groups[2]);
    }
    const other = (await homeWith()).recoveryKey;
    expectFailure(await otp(h, ["list"], { password: false, env: { OTP_RECOVERY_KEY: other } }), 4, "wrong recovery key");
    expect(sha256(h.vault)).toBe(sum);
  });

  it("no key given off a terminal: exit 4 with the way to give one; a vault without a recovery slot says so", async () => {
    await using h = await homeWith();
    expectFailure(await otp(h, ["unlock", "--recovery-key"], { password: false }), 4, "OTP_RECOVERY_KEY");
    await using bare = await otpHome();
    await writeSafeVault(bare.vault, vaultData([]), { recoveryKey: false });
    expectFailure(await otp(bare, ["list"], { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey } }), 4, "has no recovery key");
  });

  it("the wrong-password error points at the recovery key", async () => {
    await using h = await homeWith();
    expectFailure(await otp(h, ["list"], { env: { OTP_PASSWORD: "nope" } }), 4, "otp unlock --recovery-key");
  });
});

describe("otp recovery-key new", () => {
  it("replaces the key with --yes (asks otherwise); the old stops working, the new one works", async () => {
    await using h = await homeWith();
    expectFailure(await otp(h, ["recovery-key", "new"]), 2, "without confirmation");
    const r = await otp(h, ["recovery-key", "new", "--yes"]);
    const key = expectOk(r).trim();
    expect(key).toMatch(KEY);
    expect(r.stderr).toContain("the old recovery key no longer opens the vault");
    expectFailure(await otp(h, ["list"], { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey } }), 4, "wrong recovery key");
    expect((await listJson(h, { OTP_RECOVERY_KEY: key })).map((e: { name: string }) => e.name)).toEqual(["github"]);
    expect(slots(h)).toEqual(["password", "recovery-box"]);
  });

  it("a vault without one gets one without a question", async () => {
    await using h = await otpHome();
    await writeSafeVault(h.vault, vaultData([]), { recoveryKey: false });
    const key = expectOk(await otp(h, ["recovery-key", "new"])).trim();
    expect(await listJson(h, { OTP_RECOVERY_KEY: key })).toEqual([]);
  });
});

describe("recovery codes", () => {
  it("add from standard input or --file (skipping ones kept), list masked or revealed, remove --used, remove all", async () => {
    await using h = await homeWith(vaultData([entry("github", S1, { issuer: "GitHub" })]));
    const add = await otp(h, ["recovery", "add", "github"], { input: "1. abcde-12345\n2. fghij-67890\n" });
    expectOk(add);
    expect(add.stderr).toContain('added 2 recovery codes to "github"');
    const file = writeSecretFile(join(h.home, "codes.txt"), "fghij-67890 klmno-13579\n");
    expect((await otp(h, ["recovery", "add", "gh", "--file", file])).stderr).toContain(
      'added 1 recovery code to "github", skipped 1 already kept; it has 3 now',
    );
    const masked = await otp(h, ["recovery", "list", "github"]);
    expect(expectOk(masked)).toBe("1.  *****-***45\n2.  *****-***90\n3.  *****-***79\n");
    for (const c of ["abcde-12345", "fghij-67890", "klmno-13579"]) expect(masked.stdout + masked.stderr).not.toContain(c);
    expect(expectOk(await otp(h, ["recovery", "use", "github"]))).toBe("abcde-12345\n");
    const shown = expectOk(await otp(h, ["recovery", "list", "github", "--reveal"]));
    expect(shown).toMatch(/^1\.  abcde-12345  used \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n2\.  fghij-67890\n3\.  klmno-13579\n$/);
    expect(JSON.parse(expectOk(await otp(h, ["list", "--json"])))[0].recoveryCodes).toEqual({ total: 3, unused: 2 });
    expect((await otp(h, ["recovery", "remove", "github", "--used"])).stderr).toContain("removed 1 used recovery code");
    expectFailure(await otp(h, ["recovery", "remove", "github"]), 2, "without confirmation");
    expectOk(await otp(h, ["recovery", "remove", "github", "--yes"]));
    expect((await otp(h, ["recovery", "list", "github"])).stderr).toContain('"github" has no recovery codes');
    expectFailure(await otp(h, ["recovery", "use", "github"]), 1, '"github" has no recovery codes');
  });

  it("use warns when two or fewer are left, and fails when none is", async () => {
    await using h = await homeWith(vaultData([entry("github", S1, { recoveryCodes: codes(3, "gh") })]));
    expect((await otp(h, ["recovery", "use", "github"])).stderr).toContain("only 2 unused recovery codes left");
    expect((await otp(h, ["recovery", "use", "github"])).stderr).toContain("only 1 unused recovery code left");
    expect((await otp(h, ["recovery", "use", "github"])).stderr).toContain("that was the last unused recovery code");
    const none = await otp(h, ["recovery", "use", "github"]);
    expectFailure(none, 1, 'all 3 recovery codes of "github" are used', [S1]);
    expect(none.stderr).not.toContain("gh-000");
    expect(none.stderr).toContain("otp recovery add github --replace");
  });

  it("bad input: nothing given, an otpauth URI, codes from standard input beside --password-file -", async () => {
    await using h = await homeWith();
    const sum = sha256(h.vault);
    expectFailure(await otp(h, ["recovery", "add", "github"], { input: "\n\n" }), 2, "no recovery codes given");
    expectFailure(await otp(h, ["recovery", "add", "github"], { input: `otpauth://totp/x?secret=${S1}` }), 2, "is an otpauth URI", [S1]);
    expectFailure(
      await otp(h, ["--password-file", "-", "recovery", "add", "github"], { input: "test\n" }),
      2,
      "cannot both come from standard input",
    );
    expect(sha256(h.vault)).toBe(sum);
  });
});
