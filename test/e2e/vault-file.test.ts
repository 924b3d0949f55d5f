// The vault on disk (README "The vault", docs/testplan.md F.38, G.47): nothing in the clear — no
// secret (as base32, hex, base64 or raw bytes), no entry name, issuer or account — in the vault
// or its snapshots; vault 0600 in a 0700 folder, snapshots 0700/0600, also under umask 000;
// no *.tmp and no lock left after writes that succeeded or were refused.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { OTP_BIN, otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import {
  b32decode,
  expectFailure,
  expectOk,
  filesUnder,
  modeOf,
  names,
  newSecret,
  otp,
  sha256,
  tmpFilesUnder,
  waitForBuild,
} from "../helpers/e2e-util.js";
import { vaultLockHeld } from "../helpers/vault-lock.js";

/** Every way the secret or a label could sit in the file unencrypted. */
function expectNothingInClear(file: string, secrets: string[], labels: string[]): void {
  const bytes = readFileSync(file);
  const text = bytes.toString("latin1");
  const lower = text.toLowerCase();
  for (const s of secrets) {
    const raw = b32decode(s);
    expect(lower.includes(s.toLowerCase()), `${file}: base32 secret`).toBe(false);
    expect(bytes.indexOf(raw), `${file}: raw secret bytes`).toBe(-1);
    expect(lower.includes(raw.toString("hex")), `${file}: hex secret`).toBe(false);
    // base64 of the bytes at each of the three alignments a base64 field could start at
    for (let skip = 0; skip < 3; skip++) {
      const b64 = raw.subarray(skip).toString("base64");
      const core = b64.slice(4, -4);
      expect(text.includes(core), `${file}: base64 secret (offset ${skip})`).toBe(false);
      expect(text.includes(raw.subarray(skip).toString("base64url").slice(4, -4)), `${file}: base64url secret`).toBe(false);
    }
  }
  for (const l of labels) {
    expect(lower.includes(l.toLowerCase()), `${file}: "${l}" in clear`).toBe(false);
    expect(text.includes(Buffer.from(l).toString("base64").slice(0, -4)), `${file}: "${l}" as base64`).toBe(false);
    expect(lower.includes(Buffer.from(l).toString("hex")), `${file}: "${l}" as hex`).toBe(false);
  }
}

const vaultFiles = (h: OtpHome) => filesUnder(dirname(h.vault)).filter((f) => f.endsWith(".otp"));

describe("nothing in the clear", () => {
  it("the vault and every snapshot hold no secret, name, issuer or account", async () => {
    const secrets = [newSecret(), newSecret(32), newSecret(16)];
    const labels = [
      "Quetzalbank",
      "Zyxwarehouse",
      "marguerite.pivot@example.org",
      "xylophone-ops",
      "Vandalorium",
      "ruben.okoro@example.net",
      "kumquat-admin",
    ];
    await using h = await otpHome([totp("Quetzalbank", secrets[0]!, { issuer: "Zyxwarehouse", account: "marguerite.pivot@example.org" })]);
    // More written by the CLI itself: --uri, --stdin, an edit, a removal (snapshots accrue).
    expectOk(otp(h, ["add", "--uri", `otpauth://totp/Vandalorium:ruben.okoro%40example.net?secret=${secrets[1]}&issuer=Vandalorium`]));
    expectOk(otp(h, ["add", "xylophone-ops", "--stdin", "--issuer", "kumquat-admin", "--account", "ops"], { input: secrets[2]! }));
    expectOk(otp(h, ["edit", "xylophone-ops", "--tag", "kumquat-admin"]));
    expect(names(expectOk(otp(h, ["list"])))).toEqual(["Quetzalbank", "Vandalorium", "xylophone-ops"]);

    const files = vaultFiles(h);
    expect(files.length, "the vault and its snapshots").toBeGreaterThanOrEqual(4);
    for (const f of files) expectNothingInClear(f, secrets, labels);
    // The file is the documented envelope: a readable header, data as one ciphertext.
    const env = JSON.parse(readFileSync(h.vault, "utf8"));
    expect(Object.keys(env)).toEqual(["format", "version", "minor", "vaultId", "slots", "cipher", "nonce", "ext", "data", "checksum"]);
    expect(env.format).toBe("otpvault");
    expect(env.cipher).toBe("xchacha20poly1305-ietf");
  });

  it("padding hides the entry count roughly: 1 and 3 small entries give vaults of the same size", async () => {
    await using one = await otpHome([totp("a", newSecret())]);
    await using three = await otpHome([totp("a", newSecret()), totp("b", newSecret()), totp("c", newSecret())]);
    expect(readFileSync(one.vault).length).toBe(readFileSync(three.vault).length);
  });
});

describe("what the file system refuses, in one line", () => {
  it("`otp init` where a parent of the vault's path is a file: exit 1 naming it, nothing created", async () => {
    await using h = await otpHome();
    const file = join(h.home, "not-a-folder");
    writeFileSync(file, "");
    const r = otp(h, ["--vault", join(file, "sub", "vault.otp"), "init", "--no-recovery-key"], {
      env: { OTP_PASSWORD: "quokka zebra lantern 4711" },
    });
    expectFailure(r, 1, `${file} is a file, not a folder`, [], { warningsFirst: true });
    expect(r.stderr).not.toContain("internal error");
  });

  it("a file-size limit (ulimit -f) hit while writing: exit 1 in one line, the vault unchanged, no .tmp left", async () => {
    await using h = await otpHome([totp("a", newSecret())]);
    const sum = sha256(h.vault);
    waitForBuild();
    const notes = "x".repeat(4000);
    const r = spawnSync("sh", ["-c", 'ulimit -f 4; exec "$0" "$@"', process.execPath, OTP_BIN, "add", "big", "--notes", notes, "--stdin"], {
      env: h.env(),
      input: newSecret() + "\n",
      encoding: "utf8",
      timeout: 30_000,
    });
    expectFailure({ code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }, 1, "file-size limit");
    expect(sha256(h.vault)).toBe(sum);
    expect(tmpFilesUnder(dirname(h.vault))).toEqual([]);
  });
});

describe("file modes", () => {
  it("vault 0600 in a 0700 folder, snapshots folder 0700 and files 0600, the lock file 0600 and not held, no tmp left", async () => {
    await using h = await otpHome([totp("a", newSecret())]);
    for (let i = 0; i < 3; i++) expectOk(otp(h, ["add", `n${i}`, "--stdin"], { input: newSecret() }));
    const dir = dirname(h.vault);
    expect(modeOf(h.vault)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, "snapshots"))).toBe(0o700);
    const snaps = readdirSync(join(dir, "snapshots"));
    expect(snaps.length).toBe(3);
    for (const s of snaps) expect(modeOf(join(dir, "snapshots", s)), s).toBe(0o600);
    expect(tmpFilesUnder(dir)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(["snapshots", "vault.otp", "vault.otp.lock"]);
    expect(modeOf(join(dir, "vault.otp.lock"))).toBe(0o600);
    expect(vaultLockHeld(h.vault)).toBe(false);
  });

  it("no tmp left and the lock not held after a refused write (duplicate secret) either", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("a", s)]);
    expectFailure(otp(h, ["add", "b", "--stdin"], { input: s }), 2, "already holds this secret", [s]);
    const dir = dirname(h.vault);
    expect(tmpFilesUnder(dir)).toEqual([]);
    expect(
      readdirSync(dir)
        .filter((n) => n !== "snapshots")
        .sort(),
    ).toEqual(["vault.otp", "vault.otp.lock"]);
    expect(vaultLockHeld(h.vault)).toBe(false);
  });

  it("`otp init` and `otp add` under umask 000 still make 0700 folders and 0600 files (real KDF)", async () => {
    await using h = await otpHome();
    waitForBuild();
    const underUmask000 = (args: string[], input = "") =>
      spawnSync("sh", ["-c", 'umask 000; exec "$0" "$@"', process.execPath, OTP_BIN, ...args], {
        env: h.env(),
        input,
        encoding: "utf8",
        timeout: 30_000,
      });
    const init = underUmask000(["init"]);
    expect(init.status, init.stderr).toBe(0);
    const dir = dirname(h.vault);
    expect(modeOf(h.vault)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
    const add = underUmask000(["add", "x", "--stdin"], newSecret());
    expect(add.status, add.stderr).toBe(0);
    expect(modeOf(h.vault)).toBe(0o600);
    expect(modeOf(join(dir, "snapshots"))).toBe(0o700);
    for (const s of readdirSync(join(dir, "snapshots"))) expect(modeOf(join(dir, "snapshots", s))).toBe(0o600);
    expect(tmpFilesUnder(dir)).toEqual([]);
    // The default KDF, not the cheap test one.
    const slot = JSON.parse(readFileSync(h.vault, "utf8")).slots[0];
    expect(slot.kdf).toMatchObject({ name: "argon2id13", ops: 3, mem: 64 * 1024 * 1024 });
  });
});
