// What someone with push access to the sync remote, and no key, can do: nothing that loses what
// a machine has (issue: trust). Replayed old commits of vault.otp are refused when they are
// older (by key generation) than what a machine has seen there, and merged entry by entry when
// they are not, so entries, HOTP counters and used recovery codes never go back; a password
// changed on another machine is asked for, and this machine's unsynced changes are kept; the
// remote can write nothing here but the vault. Then the same with random histories (fast-check).
// otp runs in process (Machine.run); git, its hooks and otp's merge driver are real processes.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { generationOf, parseEnvelope } from "../../src/core/vault/format.js";
import type { VaultData } from "../../src/core/vault/model.js";
import { expectFailure, expectOk, newSecret, sha256 } from "../helpers/e2e-util.js";
import { hotp, totp } from "../helpers/otp-home.js";
import { writeSecretFile } from "../helpers/safety-vault.js";
import { bareRemote, machine, readData, syncSetups, type Machine, type Remote, type SyncSetup } from "../helpers/sync-machines.js";
import { needTool } from "../helpers/tools.js";

const hasGit = needTool("git");
vi.setConfig({ testTimeout: 180_000 });

/**
 * The attacker, with push access and no key: puts `vault` (bytes of an old vault.otp) on the
 * remote's main, either as a new commit on top ("replay") or as a history of its own that
 * replaces the branch ("rewrite", a force push). `extra` adds other files to the commit.
 */
function attackerPush(
  remote: Remote,
  at: Machine,
  vault: Buffer | null,
  mode: "replay" | "rewrite" = "replay",
  extra?: (clone: string, git: (args: string[]) => string) => void,
): void {
  const clone = join(at.home, `attacker-${Math.random().toString(36).slice(2)}`);
  at.git(["clone", "-q", remote.path, clone]);
  const git = (args: string[]) => at.git(["-C", clone, ...args]);
  if (mode === "rewrite") git(["checkout", "-q", "--orphan", "rewritten"]);
  if (vault) writeFileSync(join(clone, "vault.otp"), vault);
  extra?.(clone, git);
  git(["add", "-A"]);
  git(["-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "--allow-empty", "-m", "innocent"]);
  git(["push", "-q", "--force", "origin", "HEAD:main"]);
}

/** vault.otp at a commit, from the bare remote (which keeps every object it ever had). */
function blobAt(remote: Remote, commit: string): Buffer {
  return execFileSync("git", ["--git-dir", remote.path, "show", `${commit}:vault.otp`]);
}

const counterOf = (d: VaultData, name: string) => d.entries.find((e) => e.name === name)?.counter;

describe.skipIf(!hasGit)("a remote that replays an old vault", () => {
  it("the issue's attack: passwd, add, two HOTP codes, sync; the first commit's vault pushed back: exit 5, the vault here untouched", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [hotp("bank", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    const first = a.git(["rev-list", "--max-parents=0", "HEAD"]).trim();
    const B = writeSecretFile(join(a.home, "B"), "B\n");
    expectOk(await a.run(["passwd", "--new-password-file", B]));
    const pwB = { password: false, env: { OTP_PASSWORD: "B" } };
    expectOk(await a.run(["add", "mail", "--stdin"], { ...pwB, input: newSecret() }));
    expectOk(await a.run(["code", "bank"], pwB));
    expectOk(await a.run(["code", "bank"], pwB));
    expectOk(await a.run(["sync"], pwB));
    attackerPush(remote, a, blobAt(remote, first));
    const sum = sha256(a.vault);
    const r = await a.run(["sync"], pwB);
    expectFailure(r, 5, "the remote holds an older vault than this one");
    expect(sha256(a.vault)).toBe(sum);
    expect(await readData(a.vault, "B").then((d) => [d.entries.map((e) => e.name), counterOf(d, "bank")])).toEqual([["bank", "mail"], 2]);
  });

  it("a plain `git pull` that only fast-forwards to an older key generation: the post-merge hook puts the vault back", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("gh", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    const first = a.git(["rev-parse", "HEAD"]).trim();
    expectOk(await a.run(["passwd", "--new-password-file", writeSecretFile(join(a.home, "B"), "B\n")]));
    expectOk(await a.run(["add", "mail", "--stdin"], { password: false, env: { OTP_PASSWORD: "B" }, input: newSecret() }));
    expectOk(await a.run(["sync"], { password: false, env: { OTP_PASSWORD: "B" } }));
    const sum = sha256(a.vault);
    attackerPush(remote, a, blobAt(remote, first));
    const pulled = a.tryGit(["pull", "-q"]);
    expect(pulled.stdout + pulled.stderr).toContain("this pull brought an older vault than this machine has seen on the remote");
    expect(sha256(a.vault), "put back byte for byte").toBe(sum);
    expect((await readData(a.vault, "B")).entries.map((e) => e.name)).toEqual(["gh", "mail"]);
    // The pull took the rolled-back commit into HEAD; `otp sync` commits the vault put back on top and mends the remote.
    expectOk(await a.run(["sync"], { password: false, env: { OTP_PASSWORD: "B" } }));
    expect(generationOf(parseEnvelope(new Uint8Array(blobAt(remote, remote.head()))).envelope)).toBe(2);
  });

  it("an older commit of the same key generation pushed back: merged entry by entry, nothing goes back, and the remote is mended", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [hotp("bank", newSecret()), totp("gh", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    expectOk(await a.run(["recovery", "add", "gh"], { input: "code-0001\ncode-0002\n" }));
    const old = a.git(["rev-parse", "HEAD"]).trim();
    expectOk(await a.run(["add", "mail", "--stdin"], { input: newSecret() }));
    expectOk(await a.run(["rm", "gh", "--yes"]));
    expectOk(await a.run(["code", "bank"]));
    expectOk(await a.run(["code", "bank"]));
    expectOk(await a.run(["sync"]));
    // The old commit's vault, as a new commit on top (a fast-forward for A), then as a rewritten history.
    for (const mode of ["replay", "rewrite"] as const) {
      attackerPush(remote, a, blobAt(remote, old), mode);
      expectOk(await a.run(["sync"]));
      const d = await a.data();
      expect(d.entries.map((e) => e.name)).toEqual(["bank", "mail"]);
      expect(d.tombstones.map((t) => t.id)).toHaveLength(1);
      expect(counterOf(d, "bank")).toBe(2);
    }
    // A new machine gets everything from the mended remote.
    await using b = await machine("B");
    expectOk(await b.run(["sync", "init", remote.path]));
    expect((await b.data()).entries.map((e) => e.name)).toEqual(["bank", "mail"]);
  });

  it("a used recovery code stays used when an old copy comes back", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("gh", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    expectOk(await a.run(["recovery", "add", "gh"], { input: "code-0001\ncode-0002\n" }));
    expectOk(await a.run(["sync"]));
    const old = a.git(["rev-parse", "HEAD"]).trim();
    expect(expectOk(await a.run(["recovery", "use", "gh"])).trim()).toBe("code-0001");
    expectOk(await a.run(["sync"]));
    attackerPush(remote, a, blobAt(remote, old));
    expectOk(await a.run(["sync"]));
    expect(expectOk(await a.run(["recovery", "use", "gh"])).trim()).toBe("code-0002");
  });
});

/** A and B sync; B changes the password to "new one" and syncs; A adds "only-here" and has not synced since. */
async function newPasswordOnB(remote: Remote, a: Machine, b: Machine): Promise<void> {
  expectOk(await a.run(["sync", "init", remote.path]));
  expectOk(await b.run(["sync", "init", remote.path]));
  expectOk(await b.run(["passwd", "--new-password-file", writeSecretFile(join(b.home, "N"), "new one\n")]));
  expectOk(await b.run(["sync"], { password: false, env: { OTP_PASSWORD: "new one" } }));
  expectOk(await a.run(["add", "only-here", "--stdin"], { input: newSecret() }));
}

describe.skipIf(!hasGit)("a password changed on another machine", () => {
  it("sync asks for the new one (exit 4 without it, nothing changed), keeps this machine's unsynced changes, and ends under the newest keys", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("gh", newSecret())]);
    await using b = await machine("B");
    await newPasswordOnB(remote, a, b);
    const sum = sha256(a.vault);
    const r = await a.run(["sync"]);
    expectFailure(r, 4, "its password was changed on another machine");
    expect(sha256(a.vault)).toBe(sum);
    // The old password opens this machine's copy; the new one, given in a file, the remote's.
    const synced = await a.run(["--password-file", writeSecretFile(join(a.home, "old"), "test\n"), "sync"], {
      password: false,
      env: { OTP_PASSWORD: "new one" },
    });
    expectOk(synced);
    expect(synced.stderr).toContain("from now on it opens with that password here too");
    expect(generationOf(a.envelope())).toBe(2);
    expect((await readData(a.vault, "new one")).entries.map((e) => e.name)).toEqual(["gh", "only-here"]);
    expectFailure(await a.run(["list"]), 4, "wrong password");
    expectOk(await b.run(["sync"], { password: false, env: { OTP_PASSWORD: "new one" } }));
    expect((await readData(b.vault, "new one")).entries.map((e) => e.name)).toEqual(["gh", "only-here"]);
  });

  it("the merge driver of a plain `git pull` does the same: the new password for the incoming copy, a session for this one", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("gh", newSecret())]);
    await using b = await machine("B");
    await newPasswordOnB(remote, a, b);
    const session = expectOk(await a.run(["unlock"]))
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    const sum = sha256(a.vault);
    const without = a.tryGit(["pull", "-q"], { OTP_SESSION: session, XDG_RUNTIME_DIR: join(a.home, "run") });
    expect(without.code).not.toBe(0);
    expect(without.stdout + without.stderr).toContain("its password was changed on another machine");
    a.git(["merge", "--abort"]);
    expect(sha256(a.vault)).toBe(sum);
    const pulled = a.tryGit(["pull", "-q"], { OTP_SESSION: session, OTP_PASSWORD: "new one", XDG_RUNTIME_DIR: join(a.home, "run") });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect((await readData(a.vault, "new one")).entries.map((e) => e.name)).toEqual(["gh", "only-here"]);
  });
});

describe.skipIf(!hasGit)("a remote writes only the vault", () => {
  it("a pushed `snapshots` symlink, a `vault.otp.lock/keep` and other files: sync warns and ignores them, and so does a plain `git pull`", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("gh", newSecret())]);
    expectOk(await a.run(["sync", "init", remote.path]));
    await using b = await machine("B");
    expectOk(await b.run(["sync", "init", remote.path]));
    const elsewhere = join(a.home, "elsewhere");
    mkdirSync(elsewhere);
    attackerPush(remote, a, null, "replay", (clone, git) => {
      symlinkSync(elsewhere, join(clone, "snapshots"));
      mkdirSync(join(clone, "vault.otp.lock"));
      writeFileSync(join(clone, "vault.otp.lock", "keep"), "");
      writeFileSync(join(clone, "evil.sh"), "echo hi\n");
      git(["add", "-f", "snapshots", "vault.otp.lock/keep", "evil.sh"]);
    });
    const r = await a.run(["sync"]);
    expectOk(r);
    expect(r.stderr).toContain("hold files otp does not sync (evil.sh, snapshots, vault.otp.lock/keep); they were ignored");
    for (const m of [a]) {
      expect(lstatSync(join(m.dir, "snapshots")).isSymbolicLink()).toBe(false);
      expect(existsSync(join(m.dir, "evil.sh"))).toBe(false);
      expect(existsSync(join(m.dir, "vault.otp.lock", "keep"))).toBe(false);
    }
    expect(readdirSync(elsewhere)).toEqual([]);
    expectOk(await a.run(["add", "after", "--stdin"], { input: newSecret() }));
    expect(readdirSync(elsewhere)).toEqual([]);
    // B pulls with plain git: the sparse checkout keeps it to the vault too.
    const pulled = b.tryGit(["pull", "-q"], { OTP_PASSWORD: "test" });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(existsSync(join(b.dir, "evil.sh"))).toBe(false);
    expect(existsSync(join(b.dir, "snapshots")) && lstatSync(join(b.dir, "snapshots")).isSymbolicLink()).toBe(false);
    expectOk(await b.run(["add", "b-after", "--stdin"], { input: newSecret() }));
  });
});

// ---- random histories with rollbacks, replays and key changes (fast-check) ----

type Op =
  | { k: "add" | "rm" | "hotp" | "use-code" | "passwd" | "sync"; m: number; pick: number }
  | { k: "replay" | "rewrite"; m: number; pick: number };
const op: fc.Arbitrary<Op> = fc.record({
  k: fc.constantFrom("add", "rm", "hotp", "hotp", "use-code", "passwd", "sync", "sync", "sync", "replay", "rewrite"),
  m: fc.nat(2),
  pick: fc.nat(50),
});
// Fresh random histories on every run of the suite (no fixed seed), so runs add up; for a deep
// run: OTP_SYNC_PROPERTY_RUNS=25 npx vitest run test/cli/sync-attacks.slow.test.ts test/cli/sync-converge.slow.test.ts
const RUNS = Number(process.env.OTP_SYNC_PROPERTY_RUNS ?? 3);
const pwOf = (g: number) => `pw-${g}`;

interface Seen {
  gen: number;
  ids: Set<string>;
  counters: Map<string, number>;
  used: Set<string>;
}

describe.skipIf(!hasGit)("random histories with rollbacks, replays and key changes (fast-check)", () => {
  it(
    "on every machine after every step: no entry leaves but by a tombstone, no counter goes down, no used code comes back, the key generation never goes back",
    { timeout: 900_000 },
    async () => {
      const pwFile = (m: Machine) => writeSecretFile(join(m.home, "pw"), pwOf(Math.max(1, generationOf(m.envelope()))) + "\n");
      const run = async (m: Machine, args: string[], o: { input?: string; remotePw?: string } = {}) =>
        await m.run(["--password-file", pwFile(m), ...args], { password: false, input: o.input, env: { OTP_PASSWORD: o.remotePw } });
      // Each history starts from the same synced machines: made once per machine count, copied after.
      using setups = syncSetups();
      const setUp = async (count: number): Promise<SyncSetup> => {
        const remote = bareRemote();
        const ms: Machine[] = [await machine("A", [hotp("seed", newSecret())])];
        for (let i = 1; i < count; i++) ms.push(await machine(String.fromCharCode(65 + i)));
        expectOk(await ms[0]!.run(["sync", "init", remote.path]));
        // Generation 1 from here on, with the password the model expects.
        expectOk(await ms[0]!.run(["passwd", "--new-password-file", writeSecretFile(join(ms[0]!.home, "p"), pwOf(2) + "\n")]));
        expectOk(await run(ms[0]!, ["sync"]));
        for (const m of ms.slice(1)) expectOk(await m.run(["sync", "init", remote.path]));
        return { remote, machines: ms };
      };
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 12 }), fc.integer({ min: 2, max: 3 }), async (ops, count) => {
          const { remote, machines: ms } = await setups.get(`${count} machines`, () => setUp(count));
          try {
            const commits: string[] = [remote.head()];
            const seen: Seen[] = [];
            const state = async (m: Machine): Promise<Seen> => {
              const d = await readData(m.vault, pwOf(generationOf(m.envelope())));
              const all = [...d.entries, ...d.tombstones] as {
                id: string;
                counter?: number;
                recoveryCodes?: { code: string; usedAt: unknown }[];
              }[];
              return {
                gen: generationOf(m.envelope()),
                ids: new Set(all.map((e) => e.id)),
                counters: new Map(all.filter((e) => typeof e.counter === "number").map((e) => [e.id, e.counter!])),
                used: new Set(all.flatMap((e) => (e.recoveryCodes ?? []).filter((c) => c.usedAt).map((c) => `${e.id}:${c.code}`))),
              };
            };
            for (const m of ms) seen.push(await state(m));
            let n = 0;
            for (const o of ops) {
              const m = ms[o.m % ms.length]!;
              const before = m.bytes();
              const entries = (await readData(m.vault, pwOf(generationOf(m.envelope())))).entries;
              const target = entries[o.pick % Math.max(1, entries.length)];
              let r;
              if (o.k === "add" || (!target && !["sync", "passwd", "replay", "rewrite"].includes(o.k)))
                r = await run(m, ["add", `e${n++}`, "--type", "hotp", "--stdin"], { input: newSecret() + "\n" });
              else if (o.k === "rm") r = await run(m, ["rm", target!.name, "--yes"]);
              else if (o.k === "hotp") r = await run(m, ["code", target!.name]);
              else if (o.k === "use-code") {
                r = await run(m, ["recovery", "add", target!.name], { input: `c${n++}-a\nc${n++}-b\n` });
                if (r.code === 0) r = await run(m, ["recovery", "use", target!.name]);
              } else if (o.k === "passwd")
                r = await run(m, [
                  "passwd",
                  "--new-password-file",
                  writeSecretFile(join(m.home, "np"), pwOf(generationOf(m.envelope()) + 1) + "\n"),
                ]);
              else if (o.k === "sync") {
                const head = remote.head();
                const remoteGen = generationOf(parseEnvelope(new Uint8Array(blobAt(remote, head))).envelope);
                r = await run(m, ["sync"], { remotePw: pwOf(remoteGen) });
                if (r.code === 5) {
                  expect(r.stderr, "only a rollback is refused").toContain("older vault than this one");
                  expect(m.bytes().equals(before), "refused: the vault untouched").toBe(true);
                } else expect(r.code, r.stderr).toBe(0);
                commits.push(remote.head());
                r = null;
              } else {
                // The attacker replays a commit seen earlier: on top (replay) or as the whole history (rewrite).
                const old = commits[o.pick % commits.length]!;
                attackerPush(remote, ms[0]!, blobAt(remote, old), o.k === "rewrite" ? "rewrite" : "replay");
                commits.push(remote.head());
                r = null;
              }
              if (r && r.code !== 0) expect([0, 1, 2, 3], `${o.k}: ${r.stderr}`).toContain(r.code);
              // The invariants, on every machine.
              for (let i = 0; i < ms.length; i++) {
                const now = await state(ms[i]!);
                const was = seen[i]!;
                expect(now.gen, `${ms[i]!.name}: key generation`).toBeGreaterThanOrEqual(was.gen);
                for (const id of was.ids) expect(now.ids.has(id), `${ms[i]!.name}: ${id} left without a tombstone`).toBe(true);
                for (const [id, c] of was.counters)
                  expect(now.counters.get(id) ?? -1, `${ms[i]!.name}: counter of ${id}`).toBeGreaterThanOrEqual(c);
                for (const u of was.used) expect(now.used.has(u), `${ms[i]!.name}: ${u} came back unused`).toBe(true);
                seen[i] = now;
              }
            }
          } finally {
            remote[Symbol.dispose]();
            for (const m of ms) m[Symbol.dispose]();
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
  );
});
