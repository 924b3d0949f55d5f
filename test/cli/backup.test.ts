// In-process (test/helpers/cli-run.ts). `otp backup`, `otp backup verify` and `otp restore` end to end (docs/testplan.md I.62–I.67, G.47, G.49):
// a backup restored into a fresh vault keeps every entry, recovery code and HOTP counter; a
// separate backup password is not opened by the vault's; damaged, wrong-password and newer
// backups change nothing; the file is 0600, never over another without --force, and a backup
// that fails its check is removed.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectNoSecret, expectOk, hotpRef, modeOf, newSecret, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { codes, entry, hotpEntry, otpIn, vaultData, writeSafeVault, writeSecretFile } from "../helpers/safety-vault.js";

const S1 = newSecret();
const S2 = newSecret();
const S3 = newSecret();
const SECRETS = [S1, S2, S3];
/** Tests that run today's KDF (64 MiB) several times: the 2-core machine is shared. */
const SLOW = 180_000;

function sample() {
  return vaultData([
    entry("github", S1, { issuer: "GitHub", recoveryCodes: codes(5, "gh", 2), tags: ["work"], notes: "Notizen für später ✓" }),
    hotpEntry("bank", S2, 7, { recoveryCodes: codes(3, "bank") }),
    entry("steam", S3, { type: "steam", digits: 5, issuer: "Steam" }),
  ]);
}

async function homeWith(data = sample()): Promise<OtpHome & { recoveryKey: string | null }> {
  const h = await otpHome();
  const { recoveryKey } = await writeSafeVault(h.vault, data);
  return Object.assign(h, { recoveryKey });
}

const listJson = async (h: OtpHome, o: Parameters<typeof otp>[2] = {}) =>
  JSON.parse(expectOk(await otp(h, ["list", "--json"], o))) as Record<string, unknown>[];
const codesJson = async (h: OtpHome, q: string, o: Parameters<typeof otp>[2] = {}) =>
  JSON.parse(expectOk(await otp(h, ["recovery", "list", q, "--reveal", "--json"], o))).codes;
const snapshots = (h: OtpHome) => (existsSync(join(h.vault, "..", "snapshots")) ? readdirSync(join(h.vault, "..", "snapshots")).length : 0);

describe("backup → restore into a fresh vault", () => {
  it(
    "keeps every entry (ids, fields), recovery code (used ones too) and HOTP counter; the vault notes the backup",
    async () => {
      await using h = await homeWith();
      const file = join(h.home, "b.otp");
      const r = await otp(h, ["backup", file]);
      expect(expectOk(r)).toBe(`${file}\n`);
      expect(r.stderr).toMatch(/backup written and verified: 3 entries and 8 recovery codes/);
      expect(modeOf(file)).toBe(0o600);
      for (const s of SECRETS) expectNoSecret(readFileSync(file, "utf8") + r.stdout + r.stderr, s);
      const before = await listJson(h);
      const ghCodes = await codesJson(h, "github");

      // a fresh, empty vault with the same password; the restore merges into it
      await using fresh = await homeWith(vaultData([]));
      const restored = await otp(fresh, ["restore", file]);
      expect(expectOk(restored).split("\n").filter(Boolean).sort()).toEqual(["added bank", "added github", "added steam"]);
      expect(await listJson(fresh)).toEqual(before);
      expect(await codesJson(fresh, "github")).toEqual(ghCodes);
      expect(expectOk(await otp(fresh, ["code", "bank"]))).toBe(`${hotpRef(S2, 7)}\n`);

      // no vault at all (a new laptop): the backup becomes the vault
      await using empty = await otpHome();
      const made = await otp(empty, ["restore", file]);
      expect(made.stderr).toContain(`created ${empty.vault} from the backup: 3 entries`);
      expect(modeOf(empty.vault)).toBe(0o600);
      expect(await listJson(empty)).toEqual(before);
      // … it opens with the old recovery key, too
      expect(await listJson(empty, { password: false, env: { OTP_RECOVERY_KEY: h.recoveryKey! } })).toEqual(before);
      expect(expectOk(await otp(empty, ["code", "bank"]))).toBe(`${hotpRef(S2, 7)}\n`);
    },
    SLOW,
  );

  it("restoring twice changes nothing the second time", async () => {
    await using h = await homeWith();
    const file = join(h.home, "b.otp");
    expectOk(await otp(h, ["backup", file]));
    const sum = sha256(h.vault);
    const r = await otp(h, ["restore", file]);
    expect(expectOk(r)).toBe("");
    expect(r.stderr).toContain("nothing to restore");
    expect(sha256(h.vault)).toBe(sum);
  });
});

describe("a separate backup password", () => {
  it(
    "--backup-password-file: the vault password does not open it; its own does",
    async () => {
      await using h = await homeWith();
      const pw = writeSecretFile(join(h.home, "bpw"), "backup-only\n");
      const file = join(h.home, "b.otp");
      const r = await otp(h, ["backup", "--backup-password-file", pw, file]);
      expectOk(r);
      expect(r.stderr).toContain("it opens with its own backup password");

      await using fresh = await homeWith(vaultData([]));
      // the vault's password (OTP_PASSWORD "test") is tried first, and there is no terminal to ask on
      expectFailure(await otp(fresh, ["restore", file]), 4, "does not open with the vault's password", SECRETS);
      expectFailure(await otp(fresh, ["backup", "verify", file]), 4, "does not open", SECRETS);
      expect(await listJson(fresh)).toEqual([]);
      expect(expectOk(await otp(fresh, ["backup", "verify", file, "--backup-password-file", pw]))).toMatch(
        /verified, 3 entries, 8 recovery codes, made \d{4}-\d\d-\d\dT/,
      );
      expectOk(await otp(fresh, ["restore", file, "--backup-password-file", pw]));
      expect((await listJson(fresh)).map((e) => e.name)).toEqual(["github", "bank", "steam"]);
      // a wrong --backup-password-file: exit 4, nothing changed
      const sum = sha256(fresh.vault);
      writeFileSync(pw, "nope\n");
      expectFailure(await otp(fresh, ["restore", file, "--backup-password-file", pw]), 4, "wrong password for the backup");
      expect(sha256(fresh.vault)).toBe(sum);
    },
    SLOW,
  );
});

describe("a bad backup changes nothing", () => {
  it("truncations and bit flips: exit 5, the vault and its snapshots untouched", async () => {
    await using h = await homeWith();
    const file = join(h.home, "b.otp");
    expectOk(await otp(h, ["backup", file]));
    const good = readFileSync(file);
    await using target = await homeWith(vaultData([entry("other", newSecret())]));
    const sum = sha256(target.vault);
    const snaps = snapshots(target);
    const bad = join(target.home, "bad.otp");
    const cuts = [0, 1, 20, Math.floor(good.length / 2), good.length - 90, good.length - 1];
    const flips = [3, 150, 400, Math.floor(good.length / 2), good.length - 60, good.length - 2];
    for (const [what, bytes] of [
      ...cuts.map((n) => [`cut at ${n}`, good.subarray(0, n)] as const),
      ...flips.map((i) => [`bit flip at ${i}`, Buffer.from(good.map((b, j) => (j === i ? b ^ 0x04 : b)))] as const),
    ]) {
      writeFileSync(bad, bytes);
      const r = await otp(target, ["restore", bad]);
      expect(r.code, `${what}: ${r.stderr}`).toBe(5);
      expectFailure(r, 5, /backup (is empty|is damaged)|not an otp vault/, SECRETS);
      expectFailure(await otp(target, ["backup", "verify", bad]), 5, /damaged|empty|not an otp vault/);
    }
    expect(sha256(target.vault)).toBe(sum);
    expect(snapshots(target)).toBe(snaps);
  });

  it("a backup from a newer otp: exit 5, nothing imported", async () => {
    await using h = await homeWith();
    const file = join(h.home, "b.otp");
    expectOk(await otp(h, ["backup", file]));
    writeFileSync(file, readFileSync(file, "utf8").replace('"version":1,', '"version":2,'));
    const sum = sha256(h.vault);
    expectFailure(await otp(h, ["restore", file]), 5, "newer otp");
    expect(sha256(h.vault)).toBe(sum);
  });

  it("not a file, or missing: exit 2", async () => {
    await using h = await homeWith();
    expectFailure(await otp(h, ["restore", join(h.home, "missing.otp")]), 2, "cannot read");
    expectFailure(await otp(h, ["restore", h.home]), 2, "not a regular file");
  });
});

describe("the backup file", () => {
  it("default name with the date in the current folder, then -2; never over a file without --force", async () => {
    await using h = await homeWith();
    const day = new Date().toISOString().slice(0, 10); // TZ=UTC in the tests
    const first = otpIn(h, h.home, ["backup"]);
    expect(expectOk(first)).toBe(`${join(h.home, `otp-backup-${day}.otp`)}\n`);
    expect(expectOk(otpIn(h, h.home, ["backup"]))).toBe(`${join(h.home, `otp-backup-${day}-2.otp`)}\n`);
    const named = join(h.home, "mine.otp");
    writeFileSync(named, "keep me");
    expectFailure(await otp(h, ["backup", named]), 1, "already exists");
    expect(readFileSync(named, "utf8")).toBe("keep me");
    expectOk(await otp(h, ["backup", named, "--force"]));
    expect(expectOk(await otp(h, ["backup", "verify", named]))).toContain("verified, 3 entries");
    expect(modeOf(named)).toBe(0o600);
  });

  it("a backup that fails its check after writing is removed: exit 1, and the vault notes no backup", async () => {
    await using h = await homeWith();
    const file = join(h.home, "b.otp");
    const sum = sha256(h.vault);
    // The disk gives back other bytes than were written: one flipped as the backup is read back.
    const flipped = async (path: string) => {
      const b = new Uint8Array(readFileSync(path));
      b[b.length >> 1]! ^= 1;
      return b;
    };
    expectFailure(await otp(h, ["backup", file], { world: { files: { readBytes: flipped } } }), 1, "backup verification failed", SECRETS);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(h.home).filter((f) => f.includes("b.otp"))).toEqual([]);
    expect(sha256(h.vault)).toBe(sum);
  });

  it("refuses the vault itself as FILE, and both password flags at once", async () => {
    await using h = await homeWith();
    expectFailure(await otp(h, ["backup", h.vault, "--force"]), 2, "the output is the vault");
    expectFailure(await otp(h, ["backup", "--new-backup-password", "--backup-password-file", "x", join(h.home, "b")]), 2, "not both");
    expectFailure(await otp(h, ["backup", "--new-backup-password", join(h.home, "b")]), 4, "no terminal");
  });
});

describe("restore --replace", () => {
  it("needs --yes off a terminal; --dry-run shows; then the vault is the backup, the old one a snapshot", async () => {
    await using h = await homeWith();
    const file = join(h.home, "b.otp");
    expectOk(await otp(h, ["backup", file]));
    expectOk(await otp(h, ["rm", "steam", "--yes"]));
    expectOk(await otp(h, ["add", "extra", "--stdin"], { input: newSecret() }));
    const sum = sha256(h.vault);
    expectFailure(await otp(h, ["restore", "--replace", file]), 2, "without confirmation");
    const dry = await otp(h, ["restore", "--replace", "--dry-run", file]);
    expect(expectOk(dry)).toContain("would remove extra (not in the backup)");
    expect(dry.stdout).toContain("would bring back steam");
    expect(sha256(h.vault)).toBe(sum);
    const snapsBefore = snapshots(h);
    const r = await otp(h, ["restore", "--replace", "--yes", file]);
    expect(expectOk(r)).toContain("removed extra");
    expect((await listJson(h)).map((e) => e.name)).toEqual(["github", "bank", "steam"]);
    expect(snapshots(h)).toBe(snapsBefore + 1);
    // the vault before the replace is the newest snapshot, and still opens with `extra` in it
    const dir = join(h.vault, "..", "snapshots");
    const newest = readdirSync(dir).sort().at(-1)!;
    expect(sha256(join(dir, newest))).toBe(sum);
    expect(expectOk(await otp(h, ["--vault", join(dir, newest), "list"]))).toContain("extra");
  });
});
