// `otp sync init`, the commit after every change, `otp sync status`, and the refusals: otp in
// process (Machine.run), real git with a bare repository in a temporary folder as the remote,
// each machine its own HOME. As spawned processes through git: test/e2e/sync-{driver,hygiene,large}.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { expectFailure, expectOk, modeOf, newSecret, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { hotp, otpHome, totp, writeVault } from "../helpers/otp-home.js";
import { bareRemote, machine } from "../helpers/sync-machines.js";
import { needTool } from "../helpers/tools.js";

const hasGit = needTool("git");
// Each test runs otp and git dozens of times; a loaded machine needs the room.
vi.setConfig({ testTimeout: 180_000 });
const tree = (m: { git(a: string[]): string }) => m.git(["ls-tree", "-r", "--name-only", "HEAD"]).trim().split("\n");
const lastMessage = (m: { git(a: string[]): string }) => m.git(["log", "-1", "--format=%s"]).trim();

describe.skipIf(!hasGit)("otp sync init", () => {
  it("makes the vault's folder a repository holding only the vault, pushes it, and a second machine fetches it into place", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret()), hotp("bank", newSecret())]);
    await using b = await machine("B");
    const r = await a.run(["sync", "init", remote.path]);
    expectOk(r);
    expect(r.stderr).toMatch(/synced with .*vault\.git \(main\).*pushed/);
    expect(tree(a)).toEqual([".gitattributes", ".gitignore", "vault.otp"]);
    expect(remote.head()).toBe(a.git(["rev-parse", "HEAD"]).trim());
    expect(lastMessage(a)).toBe("otp: start syncing this vault");

    const rb = await b.run(["sync", "init", remote.path]);
    expectOk(rb);
    expect(rb.stderr).toMatch(/copied the vault from/);
    expect(sha256(b.vault)).toBe(sha256(a.vault));
    expect(modeOf(b.vault)).toBe(0o600);
    expect(modeOf(b.dir)).toBe(0o700);
    expect(expectOk(await b.run(["list"]))).toBe("github\nbank\n");
    expect(b.git(["status", "--porcelain"])).toBe("");
    // Plain `git pull` works there too: the driver and the upstream are set.
    expect(b.git(["config", "merge.otpvault.driver"])).toMatch(/'sync' 'merge-driver'|sync merge-driver %O %A %B/);
    expect(b.git(["rev-parse", "--abbrev-ref", "@{upstream}"]).trim()).toBe("origin/main");
  });

  it("keeps snapshots, locks, temporary files and exports out, whatever happens in the folder", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    expectOk(await a.run(["add", "mail", "--stdin"], { input: newSecret() + "\n" }));
    expectOk(await a.run(["export", "--plain", "--output", join(a.dir, "export.txt")]));
    writeFileSync(join(a.dir, ".vault.otp.123456.tmp"), "x");
    mkdirSync(join(a.dir, "vault.otp.lock.d"));
    expect(existsSync(join(a.dir, "snapshots"))).toBe(true);
    expect(existsSync(join(a.dir, "vault.otp.lock")), "the lock file otp keeps").toBe(true);
    expect(a.git(["status", "--porcelain"])).toBe("");
    expect(tree(a)).toEqual([".gitattributes", ".gitignore", "vault.otp"]);
    expect(
      a.git(["check-ignore", "snapshots", "export.txt", ".vault.otp.123456.tmp", "vault.otp.lock", "vault.otp.lock.d"]).trim().split("\n"),
    ).toHaveLength(5);
  });

  it("is safe to run again, and refuses a second remote", async () => {
    using remote = bareRemote();
    using other = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    const head = a.git(["rev-parse", "HEAD"]);
    expectOk(await a.run(["sync", "init"]));
    expectOk(await a.run(["sync", "init", remote.path]));
    expect(a.git(["rev-parse", "HEAD"])).toBe(head);
    expectFailure(await a.run(["sync", "init", other.path]), 1, "already syncs with");
  });

  it("without a remote: a repository now, a remote later", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    const r = await a.run(["sync", "init"]);
    expectOk(r);
    expect(r.stderr).toMatch(/is a sync repository now/);
    expectFailure(await a.run(["sync"]), 1, "has no remote");
    expectOk(await a.run(["sync", "init", remote.path]));
    expect(remote.head()).toBe(a.git(["rev-parse", "HEAD"]).trim());
  });

  it('with no git identity configured, commits as a neutral "otp <otp@localhost>" and says so', async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())], { identity: false });
    const r = await a.run(["sync", "init", remote.path]);
    expectOk(r);
    expect(r.stderr).toContain("commits in");
    expect(r.stderr).toContain("otp <otp@localhost>");
    expect(a.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>"]).trim()).toBe("otp <otp@localhost>|otp <otp@localhost>");
  });

  it("refuses what it cannot do, with a way forward and nothing created", async () => {
    using remote = bareRemote();
    await using a = await machine("A");
    expectFailure(await a.run(["sync", "init"]), 1, "otp init");
    const empty = await a.run(["sync", "init", remote.path]);
    expectFailure(empty, 1, "holds none yet");
    expect(existsSync(join(a.dir, ".git"))).toBe(false);
    expectFailure(await a.run(["sync", "init", "/nonexistent/remote.git"]), 1, "cannot reach the remote");
    expect(existsSync(join(a.dir, ".git"))).toBe(false);
    expectFailure(await a.run(["sync", "init", "--", "-x"]), 2, "not a remote");
    expectFailure(await a.run(["sync"]), 1, "not a sync repository");
    expectFailure(await a.run(["sync", "status"]), 1, "otp sync init");
    // A vault straight in HOME would make HOME a repository.
    await writeVault(join(a.home, "vault.otp"), [totp("x", newSecret())]);
    expectFailure(await a.run(["sync", "init", "--vault", join(a.home, "vault.otp")]), 1, "folder of its own");
    expect(existsSync(join(a.home, ".git"))).toBe(false);
  });

  it("a damaged vault gets no repository (exit 5)", async () => {
    await using a = await machine("A", [totp("github", newSecret())]);
    writeFileSync(a.vault, a.bytes().subarray(0, 100), { mode: 0o600 });
    expectFailure(await a.run(["sync", "init"]), 5, "damaged");
    expect(existsSync(join(a.dir, ".git"))).toBe(false);
  });
});

describe.skipIf(!hasGit)("a commit after every change", () => {
  it("names the action and the entry's id, never its name", async () => {
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(await a.run(["sync", "init"]));
    expectOk(await a.run(["add", "bank", "--stdin", "--type", "hotp"], { input: newSecret() + "\n" }));
    const id = JSON.parse(expectOk(await a.run(["list", "--json"]))).find((e: { name: string }) => e.name === "bank").id as string;
    expect(lastMessage(a)).toBe(`otp: add entry ${id.slice(0, 8)}`);
    expectOk(await a.run(["code", "bank"]));
    expect(lastMessage(a)).toBe(`otp: use an HOTP code of entry ${id.slice(0, 8)}`);
    expectOk(await a.run(["edit", "bank", "--name", "savings"]));
    expect(lastMessage(a)).toBe(`otp: edit entry ${id.slice(0, 8)}`);
    expectOk(
      await a.run(["import", "-"], {
        input: [1, 2, 3, 4].map((i) => `otpauth://totp/Site${i}:me?secret=${newSecret()}&issuer=Site${i}`).join("\n") + "\n",
      }),
    );
    expect(lastMessage(a)).toBe("otp: add 4 entries");
    expectOk(await a.run(["rm", "savings", "--yes"]));
    expect(lastMessage(a)).toBe(`otp: remove entry ${id.slice(0, 8)}`);
    expect(a.git(["status", "--porcelain"])).toBe("");
    expect(Number(a.git(["rev-list", "--count", "HEAD"]))).toBe(6);
  });

  it("a commit that fails never fails or undoes the write; `otp sync` commits it later", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    const head = a.git(["rev-parse", "HEAD"]);
    writeFileSync(join(a.dir, ".git", "index.lock"), ""); // as if another git were running
    const r = await a.run(["add", "mail", "--stdin"], { input: newSecret() + "\n" });
    expectOk(r);
    expect(r.stderr).toMatch(/warning: the vault is saved, but the change was not committed for sync/);
    expect(expectOk(await a.run(["list"]))).toBe("github\nmail\n");
    expect(a.git(["rev-parse", "HEAD"])).toBe(head);
    expect(expectOk(await a.run(["sync", "status", "--offline"]))).toMatch(/uncommitted/);
    renameSync(join(a.dir, ".git", "index.lock"), join(a.dir, "gone.lock"));
    expectOk(await a.run(["sync"]));
    expect(a.git(["log", "-2", "--format=%s"]).trim().split("\n")[0]).toMatch(/^otp: add entry [0-9a-f]{8}$/);
    expect(remote.head()).toBe(a.git(["rev-parse", "HEAD"]).trim());
  });

  it("a vault outside a sync repository is written as before, without git", async () => {
    await using h = await otpHome([totp("github", newSecret())]);
    const r = await otp(h, ["add", "mail", "--stdin"], { input: newSecret() + "\n" });
    expectOk(r);
    expect(r.stderr).not.toMatch(/commit|git/);
    expect(existsSync(join(h.home, ".local", "share", "otp", ".git"))).toBe(false);
  });
});

describe.skipIf(!hasGit)("otp sync status", () => {
  it("says ahead and behind, uncommitted changes and the last sync, in words or JSON", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    await using b = await machine("B");
    expectOk(await a.run(["sync", "init", remote.path]));
    expectOk(await b.run(["sync", "init", remote.path]));
    const inSync = expectOk(await a.run(["sync", "status"]));
    expect(inSync).toMatch(/^repository  .*otp \(vault\.otp on main\)$/m);
    expect(inSync).toMatch(/^state       in sync with the remote$/m);
    expect(inSync).toMatch(/^last sync   \d{4}-\d\d-\d\dT.*\((just now|\d+ seconds? ago)\)$/m);
    expectOk(await a.run(["add", "mail", "--stdin"], { input: newSecret() + "\n" }));
    expectOk(await a.run(["add", "bank", "--stdin"], { input: newSecret() + "\n" }));
    expect(expectOk(await a.run(["sync", "status", "--offline"]))).toMatch(/^state       2 commits ahead \(run `otp sync`\)$/m);
    expectOk(await a.run(["sync"]));
    const s = JSON.parse(expectOk(await b.run(["sync", "status", "--json"])));
    expect(s).toMatchObject({
      branch: "main",
      ahead: 0,
      behind: 2,
      uncommitted: false,
      reachable: true,
      remote: remote.path,
      vault: "vault.otp",
    });
    expect(Date.parse(s.lastSync)).toBeGreaterThan(0);
  });

  it("says the real age of the last sync", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    const ageOf = async (ms: number) => {
      a.git(["config", "otp.lastSync", new Date(Date.now() - ms).toISOString()]);
      return /^last sync   \S+ \((.*)\)$/m.exec(expectOk(await a.run(["sync", "status", "--offline"])))?.[1];
    };
    expect(await ageOf(90_000)).toMatch(/^1 minute 3\d seconds ago$/);
    expect(await ageOf(45_000)).toMatch(/^4\d seconds ago$/);
    expect(await ageOf(3 * 3600_000 + 20 * 60_000)).toBe("3 hours 20 minutes ago");
    expect(await ageOf(2 * 86400_000 + 3600_000 + 5000)).toBe("2 days 1 hour ago");
    expect(await ageOf(-630_000)).toMatch(/^10 minutes (29|30) seconds from now: the clock has been set back since$/);
  });

  it("an unreachable remote is one line on stderr, and the rest still shows", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    a.git(["remote", "set-url", "origin", "/nonexistent/vault.git"]);
    const r = await a.run(["sync", "status"]);
    expect(expectOk(r)).toMatch(/^state       in sync with the remote$/m);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^otp: warning: cannot reach \/nonexistent\/vault\.git/);
  });
});

describe.skipIf(!hasGit)("what leaves the local vault byte for byte as it was", () => {
  async function synced() {
    const remote = bareRemote();
    const a = await machine("A", [totp("github", newSecret()), hotp("bank", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    expectOk(await a.run(["add", "mail", "--stdin"], { input: newSecret() + "\n" })); // one commit to push
    return {
      remote,
      a,
      [Symbol.asyncDispose]: async () => {
        await a[Symbol.dispose]();
        remote[Symbol.dispose]();
      },
    };
  }

  /** Another machine pushes `write(file)` with plain git. */
  async function pushRaw(remote: string, write: (vaultFile: string) => void | Promise<void>) {
    await using c = await machine("C");
    c.git(["clone", "-q", remote, join(c.home, "clone")]);
    const file = join(c.home, "clone", "vault.otp");
    await write(file);
    c.git(["-C", join(c.home, "clone"), "commit", "-qam", "replace"]);
    c.git(["-C", join(c.home, "clone"), "push", "-q"]);
  }

  it("a remote holding another vault (another vaultId): exit 1, nothing merged or pushed", async () => {
    await using s = await synced();
    await pushRaw(s.remote.path, (f) => writeVault(f, [totp("other", newSecret())]));
    const before = sha256(s.a.vault),
      remoteHead = s.remote.head();
    expectFailure(await s.a.run(["sync"]), 1, "the remote holds another vault");
    expect(sha256(s.a.vault)).toBe(before);
    expect(s.remote.head()).toBe(remoteHead);
    // and a fresh vault elsewhere that meets this remote
    await using d = await machine("D", [totp("mine", newSecret())]);
    const mine = sha256(d.vault);
    expectFailure(await d.run(["sync", "init", s.remote.path]), 1, "another vault");
    expect(sha256(d.vault)).toBe(mine);
    expect(s.remote.head()).toBe(remoteHead);
  });

  it("a damaged file on the remote: exit 5, nothing merged or pushed; a new machine gets no vault", async () => {
    await using s = await synced();
    await pushRaw(s.remote.path, async (f) => {
      const { readFileSync } = await import("node:fs");
      const b = readFileSync(f);
      b[200] = b[200]! ^ 1;
      writeFileSync(f, b);
    });
    const before = sha256(s.a.vault),
      remoteHead = s.remote.head();
    expectFailure(await s.a.run(["sync"]), 5, "the remote's copy of the vault is damaged");
    expect(sha256(s.a.vault)).toBe(before);
    expect(s.remote.head()).toBe(remoteHead);
    await using n = await machine("N");
    expectFailure(await n.run(["sync", "init", s.remote.path]), 5, "damaged");
    expect(existsSync(n.vault)).toBe(false);
    expect(existsSync(join(n.dir, ".git"))).toBe(false);
  });

  it("an unreachable remote: exit 1 in one line, the vault untouched", async () => {
    await using s = await synced();
    s.a.git(["remote", "set-url", "origin", join(s.a.home, "no-such-remote.git")]);
    const before = sha256(s.a.vault),
      mtime = statSync(s.a.vault).mtimeMs;
    const r = await s.a.run(["sync"]);
    expectFailure(r, 1, "cannot fetch from");
    expect(r.stderr.split("\n").filter((l) => l.startsWith("otp: error:"))).toHaveLength(1);
    expect(sha256(s.a.vault)).toBe(before);
    expect(statSync(s.a.vault).mtimeMs).toBe(mtime);
  });

  it("a push the remote rejects: exit 1 in one line, the vault intact and committed for a later sync", async () => {
    await using s = await synced();
    const hook = join(s.remote.path, "hooks", "pre-receive");
    writeFileSync(hook, "#!/bin/sh\necho 'read-only mirror' >&2\nexit 1\n", { mode: 0o755 });
    const before = sha256(s.a.vault),
      remoteHead = s.remote.head();
    const r = await s.a.run(["sync"]);
    expectFailure(r, 1, "cannot push to");
    expect(r.stderr.split("\n").filter((l) => l.startsWith("otp: error:"))).toHaveLength(1);
    expect(r.stderr).toMatch(/otp: hint: the vault here is saved and committed/);
    expect(sha256(s.a.vault)).toBe(before);
    expect(s.remote.head()).toBe(remoteHead);
    expect(s.a.git(["status", "--porcelain"])).toBe("");
    renameSync(hook, hook + ".off");
    expectOk(await s.a.run(["sync"]));
    expect(s.remote.head()).toBe(s.a.git(["rev-parse", "HEAD"]).trim());
  });

  it("the wrong password: exit 4 before git runs", async () => {
    await using s = await synced();
    const before = sha256(s.a.vault),
      head = s.a.git(["rev-parse", "HEAD"]);
    expectFailure(await s.a.run(["sync"], { env: { OTP_PASSWORD: "wrong" } }), 4, "wrong password");
    expect(sha256(s.a.vault)).toBe(before);
    expect(s.a.git(["rev-parse", "HEAD"])).toBe(head);
  });
});

describe.skipIf(!hasGit)("an empty bare repository as the remote", () => {
  it("its HEAD names the branch otp pushed, so a plain `git clone` checks the vault out without a warning", async () => {
    using remote = bareRemote();
    // `git init --bare` where git's default branch is another: HEAD names a branch no one pushes
    a_git(["--git-dir", remote.path, "symbolic-ref", "HEAD", "refs/heads/master"]);
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    expect(a_git(["--git-dir", remote.path, "symbolic-ref", "HEAD"]).stdout.trim()).toBe("refs/heads/main");
    const clone = join(a.home, "clone");
    const r = a_git(["clone", remote.path, clone]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/i);
    expect(existsSync(join(clone, "vault.otp"))).toBe(true);
  });

  it("a remote with commits keeps its HEAD", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    a_git(["--git-dir", remote.path, "symbolic-ref", "HEAD", "refs/heads/other"]);
    await using b = await machine("B");
    expectOk(await b.run(["sync", "init", remote.path]));
    expectOk(await a.run(["sync"]));
    expect(a_git(["--git-dir", remote.path, "symbolic-ref", "HEAD"]).stdout.trim()).toBe("refs/heads/other");
  });
});

function a_git(args: string[]) {
  return spawnSync("git", args, {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent", GIT_CONFIG_NOSYSTEM: "1", LANG: "C" },
  });
}
