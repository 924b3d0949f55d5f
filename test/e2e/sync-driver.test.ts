// A plain `git pull` in the vault's folder merges through otp's merge driver (.gitattributes +
// `otp sync init`'s config): the same result as `otp sync`; the key from OTP_PASSWORD, a
// session or the recorded password file; without one (or for another vault, or a damaged
// copy) the driver fails, git reports a conflict and the vault stays byte for byte.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { expectFailure, expectOk, modeOf, newSecret, sha256 } from "../helpers/e2e-util.js";
import { TEST_PASSWORD, hotp, totp, writeVault } from "../helpers/otp-home.js";
import { bareRemote, copyOf, machine, type Machine } from "../helpers/sync-machines.js";
import { needTool } from "../helpers/tools.js";

const hasGit = needTool("git");
vi.setConfig({ testTimeout: 180_000 });

/**
 * A pushed history and B apart from it: both changed their copies since they last met. Made
 * with otp in this process (Machine.run); what is tested, git's pull through otp's driver,
 * runs as real processes.
 */
async function diverged() {
  const remote = bareRemote();
  const a = await machine("A", [totp("github", newSecret()), hotp("bank", newSecret()), totp("old", newSecret())]);
  const b = await machine("B");
  expectOk(await a.run(["sync", "init", remote.path]));
  expectOk(await b.run(["sync", "init", remote.path]));
  expectOk(await a.run(["add", "mail", "--stdin"], { input: newSecret() + "\n" }));
  expectOk(await a.run(["edit", "github", "--notes", "from A"]));
  expectOk(await a.run(["code", "bank"]));
  expectOk(await a.run(["code", "bank"]));
  expectOk(await a.run(["sync"]));
  expectOk(await b.run(["add", "cloud", "--stdin"], { input: newSecret() + "\n" }));
  expectOk(await b.run(["rm", "old", "--yes"]));
  expectOk(await b.run(["code", "bank"]));
  return {
    remote,
    a,
    b,
    async [Symbol.asyncDispose]() {
      await a[Symbol.dispose]();
      await b[Symbol.dispose]();
      remote[Symbol.dispose]();
    },
  };
}

const pull = (m: Machine, env: Record<string, string> = {}) => m.tryGit(["pull", "-q"], env);

describe.skipIf(!hasGit)("git pull with otp's merge driver", () => {
  it("gives the same vault as `otp sync`", async () => {
    await using s = await diverged();
    await using twin = await copyOf(s.b, "B2"); // B twice: one pulls with git, the other syncs
    const r = pull(twin, { OTP_PASSWORD: TEST_PASSWORD });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/otp: merged the vault entry by entry \(1 added, 2 changed here\)/);
    expectOk(s.b.otp(["sync"]));
    const [viaGit, viaOtp] = [await twin.data(), await s.b.data()];
    expect(JSON.stringify(viaGit)).toBe(JSON.stringify(viaOtp));
    expect(JSON.stringify(twin.envelope().slots)).toBe(JSON.stringify(s.b.envelope().slots));
    // createdAt order; the two made in the same millisecond by name
    expect(viaGit.entries.map((e) => e.name)).toEqual(["bank", "github", "mail", "cloud"]);
    expect(viaGit.entries.find((e) => e.name === "bank")!.counter).toBe(2);
    // git wrote the vault; the hook keeps it 0600, so otp has nothing to warn about.
    expect(modeOf(twin.vault)).toBe(0o600);
    const list = twin.otp(["list"]);
    expect(expectOk(list)).toBe("bank\ngithub\nmail\ncloud\n");
    expect(list.stderr).toBe("");
    expect(twin.git(["status", "--porcelain"])).toBe("");
  });

  it("takes the key from a session, or from the password file `otp sync init --password-file` recorded", async () => {
    await using s = await diverged();
    await using viaSession = await copyOf(s.b, "B2");
    const session = expectOk(viaSession.otp(["unlock"]))
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    const r = pull(viaSession, { OTP_SESSION: session });
    expect(r.code, r.stderr).toBe(0);
    expect((await viaSession.data()).entries).toHaveLength(4);

    await using viaFile = await copyOf(s.b, "B3");
    const file = join(viaFile.home, "password.txt");
    writeFileSync(file, TEST_PASSWORD + "\n", { mode: 0o600 });
    expectOk(viaFile.otp(["--password-file", file, "sync", "init"], { password: false }));
    expect(viaFile.git(["config", "merge.otpvault.driver"])).toContain(`--password-file '${file}'`);
    const r2 = pull(viaFile);
    expect(r2.code, r2.stderr).toBe(0);
    expect(JSON.stringify(await viaFile.data())).toBe(JSON.stringify(await viaSession.data()));
  });

  it("without a key: a conflict, the vault byte for byte as it was, and a hint", async () => {
    await using s = await diverged();
    const before = sha256(s.b.vault);
    const r = pull(s.b);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/otp: error: merging the vault needs its key/);
    expect(r.stderr).toMatch(/otp: hint: .*git merge --abort/);
    expect(sha256(s.b.vault)).toBe(before);
    s.b.git(["merge", "--abort"]);
    expect(sha256(s.b.vault)).toBe(before);
    expectOk(s.b.otp(["sync"])); // and otp sync, with the key, does it
    expect((await s.b.data()).entries).toHaveLength(4);
  });

  it("refuses another vault and a damaged copy, leaving git's OURS file untouched", async () => {
    await using a = await machine("A", [totp("github", newSecret())]);
    const other = join(a.home, "other.otp");
    await writeVault(other, [totp("x", newSecret())]);
    const ours = join(a.home, "ours.otp");
    writeFileSync(ours, a.bytes());
    const before = sha256(ours);
    const empty = join(a.home, "empty");
    writeFileSync(empty, "");
    expectFailure(a.otp(["sync", "merge-driver", empty, ours, other]), 1, "different vaults");
    expect(sha256(ours)).toBe(before);
    const damaged = join(a.home, "damaged.otp");
    const bytes = a.bytes();
    bytes[150] = bytes[150]! ^ 4;
    writeFileSync(damaged, bytes);
    expectFailure(a.otp(["sync", "merge-driver", empty, ours, damaged]), 5, "the incoming copy of the vault");
    expect(sha256(ours)).toBe(before);
    // the same vault on both sides merges, from an empty ancestor too
    expectOk(a.otp(["sync", "merge-driver", empty, ours, a.vault]));
    expect(sha256(ours)).not.toBe(before); // sealed afresh (new nonce)
  });
});
