// Convergence through real git, otp in process (each sync still runs git, and git otp's merge
// driver and hooks as the built binary): three machines (each its own HOME and git identity) and a bare
// remote. Concurrent adds, edits, removals and HOTP codes on every side, synced in different
// orders, end as the same entries everywhere, with no entry lost and no HOTP counter reused
// once a machine has heard of its use; then the same with random operations and syncs.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { VaultData } from "../../src/core/vault/model.js";
import { expectOk, hotpRef, newSecret } from "../helpers/e2e-util.js";
import { hotp, totp } from "../helpers/otp-home.js";
import { bareRemote, entriesOf, machine, syncSetups, type Machine, type SyncSetup } from "../helpers/sync-machines.js";
import { needTool } from "../helpers/tools.js";

const hasGit = needTool("git");
// Each test runs otp and git dozens of times; a loaded machine needs the room.
vi.setConfig({ testTimeout: 180_000 });

/** `otp code NAME --json` on an HOTP entry: the code shown and the counter it used. */
async function useHotp(m: Machine, name: string): Promise<{ code: string; counter: number }> {
  const out = JSON.parse(expectOk(await m.run(["code", name, "--json"])));
  return { code: out.code, counter: out.counter };
}

const byName = (d: VaultData, name: string) => d.entries.find((e) => e.name === name);

describe.skipIf(!hasGit)("three machines converge", () => {
  it("concurrent adds, edits, removals and HOTP codes, synced in different orders", async () => {
    using remote = bareRemote();
    const bankSecret = newSecret();
    await using a = await machine("A", [totp("github", newSecret()), totp("old", newSecret()), hotp("bank", bankSecret)]);
    await using b = await machine("B");
    await using c = await machine("C");
    expectOk(await a.run(["sync", "init", remote.path]));
    expectOk(await b.run(["sync", "init", remote.path]));
    expectOk(await c.run(["sync", "init", remote.path]));
    const shown: number[] = [];
    // Apart: each machine changes its own copy.
    expectOk(await a.run(["add", "a-mail", "--stdin"], { input: newSecret() + "\n" }));
    expectOk(await a.run(["edit", "github", "--name", "gh"]));
    shown.push((await useHotp(a, "bank")).counter, (await useHotp(a, "bank")).counter);
    expectOk(await b.run(["add", "b-cloud", "--stdin"], { input: newSecret() + "\n" }));
    expectOk(await b.run(["rm", "old", "--yes"]));
    expectOk(await b.run(["rm", "github", "--yes"])); // after A's edit: the removal is newer, it wins
    expectOk(await c.run(["add", "c-shop", "--stdin"], { input: newSecret() + "\n" }));
    expectOk(await c.run(["edit", "old", "--notes", "still used"])); // after B's removal: the edit is newer, "old" stays
    // Synced in a scrambled order, then once round so everyone has everything.
    for (const m of [c, a, b, c, a]) expectOk(await m.run(["sync"]));
    const [da, db, dc] = [await a.data(), await b.data(), await c.data()];
    expect(entriesOf(db)).toBe(entriesOf(da));
    expect(entriesOf(dc)).toBe(entriesOf(da));
    expect(da.entries.map((e) => e.name).sort()).toEqual(["a-mail", "b-cloud", "bank", "c-shop", "old"]);
    expect(byName(da, "old")!.notes).toBe("still used");
    // HOTP: machines apart showed counters 0 and 1 on A; once synced nobody reuses them.
    expect(shown).toEqual([0, 1]);
    expect(byName(da, "bank")!.counter).toBe(2);
    const next = [await useHotp(b, "bank"), await useHotp(c, "bank")];
    expect(next.map((n) => n.counter)).toEqual([2, 2]); // B and C apart again: each shows the next one
    for (const m of [b, c, b]) expectOk(await m.run(["sync"]));
    const after = await useHotp(c, "bank");
    expect(after.counter).toBe(3);
    expect(after.code).toBe(hotpRef(bankSecret, 3));
    // Every machine's git history has the same head once it has synced last.
    expectOk(await a.run(["sync"]));
    expect(a.git(["rev-parse", "HEAD"])).toBe(b.git(["rev-parse", "HEAD"]));
    expect(a.git(["status", "--porcelain"])).toBe("");
  });

  it("two machines that add the same name keep both and say so", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    await using b = await machine("B");
    expectOk(await a.run(["sync", "init", remote.path]));
    expectOk(await b.run(["sync", "init", remote.path]));
    expectOk(await a.run(["add", "mail", "--stdin"], { input: newSecret() + "\n" }));
    expectOk(await b.run(["add", "mail", "--stdin"], { input: newSecret() + "\n" }));
    expectOk(await a.run(["sync"]));
    const r = await b.run(["sync"]);
    expectOk(r);
    expect(r.stderr).toMatch(/warning: 2 entries are named "mail" now; rename one/);
    expect(expectOk(await b.run(["list"]))).toBe("github\nmail\nmail\n");
  });
});

type Step = { m: number; op: "add" | "edit" | "remove" | "hotp" | "sync"; pick: number };
const step: fc.Arbitrary<Step> = fc.record({
  m: fc.nat(2),
  op: fc.constantFrom("add", "edit", "remove", "hotp", "hotp", "sync", "sync"),
  pick: fc.nat(20),
});
// Fresh random histories on every run of the suite (no fixed seed), so runs add up; for a deep
// run: OTP_SYNC_PROPERTY_RUNS=25 npx vitest run test/cli/sync-attacks.slow.test.ts test/cli/sync-converge.slow.test.ts
const RUNS = Number(process.env.OTP_SYNC_PROPERTY_RUNS ?? 3);

describe.skipIf(!hasGit)("random operations and syncs (fast-check)", () => {
  it(
    "end with the same entries on every machine, none lost, and no HOTP counter reused after it was heard of",
    { timeout: 600_000 },
    async () => {
      // Each history starts from the same three synced machines: made once, copied after.
      using setups = syncSetups();
      const setUp = async (): Promise<SyncSetup> => {
        const remote = bareRemote();
        const machines = [await machine("A", [hotp("seed", newSecret())]), await machine("B"), await machine("C")];
        for (const m of machines) expectOk(await m.run(["sync", "init", remote.path]));
        return { remote, machines };
      };
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), async (steps) => {
          const setup = await setups.get("three machines", setUp);
          using _remote = setup.remote; // removed at the end of each history, and copied back for the next
          await using a = setup.machines[0]!;
          await using b = setup.machines[1]!;
          await using c = setup.machines[2]!;
          const ms = [a, b, c];
          const seedId = (await a.data()).entries[0]!.id;
          // The model: the last thing done to each id (real time orders all machines), and which
          // HOTP uses each machine (and the remote) has heard of.
          const last = new Map<string, "alive" | "removed">([[seedId, "alive"]]);
          const heard: Set<string>[] = [new Set(), new Set(), new Set()];
          let remoteHeard = new Set<string>();
          const uses: { id: string; counter: number }[] = [];
          let n = 0;
          for (const s of steps) {
            const m = ms[s.m]!;
            if (s.op === "sync") {
              expectOk(await m.run(["sync"]));
              // Two sets, not one shared: what this machine hears later has not reached the remote.
              heard[s.m] = new Set([...heard[s.m]!, ...remoteHeard]);
              remoteHeard = new Set(heard[s.m]);
              continue;
            }
            const entries = (await m.data()).entries;
            const target = entries[s.pick % Math.max(1, entries.length)];
            if (s.op === "add" || !target) {
              expectOk(await m.run(["add", `e${n++}${m.name}`, "--stdin", "--type", "hotp"], { input: newSecret() + "\n" }));
              const added = (await m.data()).entries.at(-1)!;
              last.set(added.id, "alive");
              // `otp add` shows the code of counter 0 for the user to check: a use like any other.
              uses.push({ id: added.id, counter: 0 });
              heard[s.m]!.add(`${added.id}:0`);
            } else if (s.op === "edit") {
              expectOk(await m.run(["edit", target.name, "--notes", `n${n++}`]));
              last.set(target.id, "alive");
            } else if (s.op === "remove") {
              expectOk(await m.run(["rm", target.name, "--yes"]));
              last.set(target.id, "removed");
            } else {
              const { counter } = await useHotp(m, target.name);
              for (const u of uses)
                if (u.id === target.id && heard[s.m]!.has(`${u.id}:${u.counter}`))
                  expect(counter, "a counter this machine had heard of").toBeGreaterThan(u.counter);
              uses.push({ id: target.id, counter });
              heard[s.m]!.add(`${target.id}:${counter}`);
              last.set(target.id, "alive");
            }
          }
          for (const m of [a, b, c, a, b]) expectOk(await m.run(["sync"]));
          const all = await Promise.all(ms.map((m) => m.data()));
          expect(entriesOf(all[1]!)).toBe(entriesOf(all[0]!));
          expect(entriesOf(all[2]!)).toBe(entriesOf(all[0]!));
          const alive = [...last]
            .filter(([, s]) => s === "alive")
            .map(([id]) => id)
            .sort();
          expect(all[0]!.entries.map((e) => e.id).sort()).toEqual(alive);
          for (const u of uses) {
            const now = all[0]!.entries.find((e) => e.id === u.id) ?? all[0]!.tombstones.find((t) => t.id === u.id);
            expect(now!.counter, "past every code shown").toBeGreaterThan(u.counter);
          }
          expect(a.git(["rev-parse", "HEAD"])).toBe(b.git(["rev-parse", "HEAD"]));
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
  );
});
