// The pure merge of two vault copies (src/core/vault/merge.ts): a join (commutative,
// associative, idempotent) over random vaults drawn from small pools, so ids, times, names and
// recovery codes collide often; the rules each hold; and replicas that exchange random
// operations and merges converge without reusing an HOTP counter once they have met.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Entry, RecoveryCode } from "../../../../src/core/entry.js";
import { canonicalJson, mergeCopies, mergeData, mergeSlots } from "../../../../src/core/vault/merge.js";
import { priorKeysOf } from "../../../../src/core/vault/prior-keys.js";
import { removeEntry, updateEntry, type Tombstone, type VaultData } from "../../../../src/core/vault/model.js";
import type { PasswordSlot, Slot } from "../../../../src/core/vault/format.js";

const IDS = ["a1", "b2", "c3", "d4", "e5"];
const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const time = fc.integer({ min: 0, max: 5 }).map(T);
const CODES = ["r-1", "r-2", "r-3", "r-4"];

const recoveryCodes = fc
  .uniqueArray(fc.constantFrom(...CODES), { maxLength: 4 })
  .chain((codes) => fc.tuple(...codes.map((code) => fc.option(time, { nil: null }).map((usedAt): RecoveryCode => ({ code, usedAt })))));

const entry = (id: string) =>
  fc
    .record({
      name: fc.constantFrom("gh", "GH", "bank", "mail"),
      issuer: fc.constantFrom("GitHub", "Bank", ""),
      hotp: fc.boolean(),
      counter: fc.integer({ min: 0, max: 6 }),
      secret: fc.constantFrom("JBSWY3DPEHPK3PXP", "KRUGS4ZANFZSAYJA"),
      createdAt: time,
      updatedAt: time,
      recoveryCodes,
      future: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
    })
    .map((r): Entry => ({
      id,
      name: r.name,
      issuer: r.issuer,
      account: "me",
      type: r.hotp ? "hotp" : "totp",
      secret: r.secret,
      algorithm: "SHA1",
      digits: 6,
      ...(r.hotp ? { counter: r.counter } : { period: 30 }),
      tags: [],
      notes: "",
      recoveryCodes: r.recoveryCodes,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      ...(r.future === undefined ? {} : { future: r.future }),
    }));

const tombstone = (id: string) =>
  fc
    .record({
      removedAt: time,
      counter: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      by: fc.option(fc.constant("device-2"), { nil: undefined }),
    })
    .map((r): Tombstone => ({
      id,
      removedAt: r.removedAt,
      ...(r.counter === undefined ? {} : { counter: r.counter }),
      ...(r.by ? { by: r.by } : {}),
    }));

/** A vault's data: each id is an entry, a tombstone, both (a restore can do that) or absent. */
const vaultData: fc.Arbitrary<VaultData> = fc
  .tuple(
    fc.tuple(...IDS.map((id) => fc.oneof(fc.constant(null), entry(id)))),
    fc.tuple(...IDS.map((id) => fc.oneof(fc.constant(null), fc.constant(null), tombstone(id)))),
    fc.record({ createdAt: time, lastBackup: fc.option(time, { nil: undefined }) }),
    fc.option(fc.constantFrom("x", "y"), { nil: undefined }),
  )
  .map(([es, ts, meta, extra]) => ({
    entries: es.filter((e): e is Entry => e !== null),
    tombstones: ts.filter((t): t is Tombstone => t !== null),
    meta: Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)),
    ...(extra === undefined ? {} : { extra }),
  }));

const json = (d: VaultData) => JSON.stringify(d);
const RUNS = { numRuns: 500 };

describe("mergeData is a join", () => {
  it("commutative: merge(a, b) is merge(b, a), byte for byte", () => {
    fc.assert(
      fc.property(vaultData, vaultData, (a, b) => json(mergeData(a, b)) === json(mergeData(b, a))),
      RUNS,
    );
  });

  it("associative: merge(merge(a, b), c) is merge(a, merge(b, c))", () => {
    fc.assert(
      fc.property(
        vaultData,
        vaultData,
        vaultData,
        (a, b, c) => json(mergeData(mergeData(a, b), c)) === json(mergeData(a, mergeData(b, c))),
      ),
      RUNS,
    );
  });

  it("idempotent: a merge merged with itself or with either input does not change", () => {
    fc.assert(
      fc.property(vaultData, vaultData, (a, b) => {
        const m = mergeData(a, b);
        expect(json(mergeData(m, m))).toBe(json(m));
        expect(json(mergeData(m, a))).toBe(json(m));
        expect(json(mergeData(b, m))).toBe(json(m));
        expect(json(mergeData(mergeData(a, a), a))).toBe(json(mergeData(a, a)));
      }),
      RUNS,
    );
  });

  it("never changes its inputs", () => {
    fc.assert(
      fc.property(vaultData, vaultData, (a, b) => {
        const before = [json(a), json(b)];
        mergeData(a, b);
        expect([json(a), json(b)]).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });
});

/** Every version of one id in the inputs. */
function versions(id: string, ...ds: VaultData[]) {
  return {
    entries: ds.flatMap((d) => d.entries.filter((e) => e.id === id)),
    tombstones: ds.flatMap((d) => d.tombstones.filter((t) => t.id === id)),
  };
}
const msOf = (s: string) => Date.parse(s);

describe("mergeData keeps its rules", () => {
  it("an entry changed at or after every removal stays; one removed after its last change goes", () => {
    fc.assert(
      fc.property(vaultData, vaultData, (a, b) => {
        const m = mergeData(a, b);
        for (const id of IDS) {
          const v = versions(id, a, b);
          const alive = m.entries.some((e) => e.id === id);
          const removed = m.tombstones.some((t) => t.id === id);
          expect(alive && removed, "never both").toBe(false);
          if (v.entries.length === 0) expect(alive).toBe(false);
          else {
            const edited = Math.max(...v.entries.map((e) => msOf(e.updatedAt)));
            const gone = Math.max(-Infinity, ...v.tombstones.map((t) => msOf(t.removedAt)));
            expect(alive, id).toBe(edited >= gone);
          }
        }
      }),
      RUNS,
    );
  });

  it("the latest edit's content wins, unknown fields and all", () => {
    fc.assert(
      fc.property(vaultData, vaultData, (a, b) => {
        for (const e of mergeData(a, b).entries) {
          const latest = Math.max(...versions(e.id, a, b).entries.map((x) => msOf(x.updatedAt)));
          expect(msOf(e.updatedAt)).toBe(latest);
          const content = (x: Entry) => canonicalJson({ ...x, counter: undefined, recoveryCodes: undefined });
          const source = versions(e.id, a, b).entries.find((x) => content(x) === content(e));
          expect(source, "content, unknown fields and all, comes from one real version").toBeDefined();
        }
      }),
      RUNS,
    );
  });

  it("an HOTP counter (entry or tombstone) is the largest of every version", () => {
    fc.assert(
      fc.property(vaultData, vaultData, (a, b) => {
        const m = mergeData(a, b);
        for (const id of IDS) {
          const v = versions(id, a, b);
          const counters = [...v.entries, ...v.tombstones].map((x) => x.counter).filter((c): c is number => typeof c === "number");
          const out = m.entries.find((e) => e.id === id) ?? m.tombstones.find((t) => t.id === id);
          if (counters.length === 0 || !out) continue;
          expect(out.counter, id).toBe(Math.max(...counters));
        }
      }),
      RUNS,
    );
  });

  it("a recovery code used on either side stays used, with its earliest time", () => {
    fc.assert(
      fc.property(vaultData, vaultData, (a, b) => {
        const m = mergeData(a, b);
        for (const id of IDS) {
          const v = versions(id, a, b);
          const out = (m.entries.find((e) => e.id === id) ?? m.tombstones.find((t) => t.id === id)) as
            { recoveryCodes?: RecoveryCode[] } | undefined;
          for (const x of v.entries)
            for (const c of x.recoveryCodes)
              if (c.usedAt) {
                const now = out?.recoveryCodes?.find((o) => o.code === c.code);
                expect(now?.usedAt, `${id} ${c.code}`).toBeTruthy();
                expect(msOf(now!.usedAt!)).toBeLessThanOrEqual(msOf(c.usedAt));
              }
          // and a code nobody used is not marked used
          for (const c of out?.recoveryCodes ?? [])
            if (c.usedAt)
              expect(
                v.entries.some((x) => x.recoveryCodes.some((o) => o.code === c.code && o.usedAt === c.usedAt)) || v.tombstones.length > 0,
              ).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("entries added on either side are all kept, in createdAt order", () => {
    const e = (id: string, name: string, createdAt: string): Entry => ({
      id,
      name,
      issuer: "",
      account: "",
      type: "totp",
      secret: "JBSWY3DPEHPK3PXP",
      algorithm: "SHA1",
      digits: 6,
      period: 30,
      tags: [],
      notes: "",
      recoveryCodes: [],
      createdAt,
      updatedAt: createdAt,
    });
    const a: VaultData = { entries: [e("x1", "one", T(1)), e("x3", "three", T(3))], tombstones: [], meta: {} };
    const b: VaultData = { entries: [e("x1", "one", T(1)), e("x2", "two", T(2))], tombstones: [], meta: {} };
    expect(mergeData(a, b).entries.map((x) => x.name)).toEqual(["one", "two", "three"]);
  });

  it("meta: the earliest createdAt, any key either side has, a fixed pick when both differ", () => {
    const a: VaultData = { entries: [], tombstones: [], meta: { createdAt: T(3), lastBackup: T(1) } };
    const b: VaultData = { entries: [], tombstones: [], meta: { createdAt: T(2), lastBackup: T(4), other: 1 } };
    expect(mergeData(a, b).meta).toEqual({ createdAt: T(2), lastBackup: T(4), other: 1 });
  });
});

describe("replicas that exchange random operations and merges", () => {
  type Op =
    { kind: "add" | "edit" | "remove" | "hotp" | "recovery"; at: number; pick: number } | { kind: "merge"; at: number; with: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constantFrom("add", "edit", "remove", "hotp", "hotp", "recovery"),
      at: fc.nat(2),
      pick: fc.nat(9),
    }) as fc.Arbitrary<Op>,
    fc.record({ kind: fc.constant("merge" as const), at: fc.nat(2), with: fc.nat(2) }),
  );

  it("converge once all have met, and never reuse an HOTP counter one of them had seen used", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let clock = 0;
        let nextId = 0;
        const replicas: VaultData[] = [0, 1, 2].map(() => ({ entries: [], tombstones: [], meta: { createdAt: T(0) } }));
        // What each replica has heard of: HOTP uses (id → counters), as in a vector clock.
        const heard: Map<string, Set<number>>[] = [0, 1, 2].map(() => new Map());
        const shown = new Map<string, number[]>();
        const iso = () => new Date(Date.UTC(2026, 0, 1) + ++clock).toISOString();
        for (const o of ops) {
          const r = replicas[o.at]!;
          if (o.kind === "merge") {
            const m = mergeData(r, replicas[o.with]!);
            replicas[o.at] = replicas[o.with] = m;
            for (const [id, s] of heard[o.with]!) heard[o.at]!.set(id, new Set([...(heard[o.at]!.get(id) ?? []), ...s]));
            heard[o.with] = new Map([...heard[o.at]!].map(([k, s]) => [k, new Set(s)]));
            continue;
          }
          const target = r.entries[o.pick % Math.max(1, r.entries.length)];
          if (o.kind === "add" || !target) {
            const id = `id${nextId++}`;
            const now = iso();
            replicas[o.at] = {
              ...r,
              entries: [
                ...r.entries,
                {
                  id,
                  name: id,
                  issuer: "",
                  account: "",
                  type: "hotp",
                  secret: "JBSWY3DPEHPK3PXP",
                  algorithm: "SHA1",
                  digits: 6,
                  counter: 0,
                  tags: [],
                  notes: "",
                  recoveryCodes: [
                    { code: "c1", usedAt: null },
                    { code: "c2", usedAt: null },
                  ],
                  createdAt: now,
                  updatedAt: now,
                },
              ],
            };
          } else if (o.kind === "edit") replicas[o.at] = updateEntry(r, target.id, { name: `${target.name}'` }, iso());
          else if (o.kind === "remove") replicas[o.at] = removeEntry(r, target.id, iso());
          else if (o.kind === "recovery") {
            const now = iso();
            const codes = target.recoveryCodes.map((c, i) =>
              i === target.recoveryCodes.findIndex((x) => !x.usedAt) ? { ...c, usedAt: now } : c,
            );
            replicas[o.at] = updateEntry(r, target.id, { recoveryCodes: codes }, now);
          } else {
            const used = target.counter!;
            for (const c of heard[o.at]!.get(target.id) ?? []) expect(used, `counter ${c} was heard of`).toBeGreaterThan(c);
            heard[o.at]!.set(target.id, new Set([...(heard[o.at]!.get(target.id) ?? []), used]));
            shown.set(target.id, [...(shown.get(target.id) ?? []), used]);
            replicas[o.at] = updateEntry(r, target.id, { counter: used + 1 }, iso());
          }
        }
        // Everyone meets: a ring, twice round.
        for (const [x, y] of [
          [0, 1],
          [1, 2],
          [2, 0],
          [0, 1],
        ] as const)
          replicas[x] = replicas[y] = mergeData(replicas[x]!, replicas[y]!);
        expect(json(replicas[1]!)).toBe(json(replicas[0]!));
        expect(json(replicas[2]!)).toBe(json(replicas[0]!));
        // After meeting, every HOTP counter is past every code shown anywhere.
        for (const [id, counters] of shown) {
          const now = replicas[0]!.entries.find((e) => e.id === id) ?? replicas[0]!.tombstones.find((t) => t.id === id);
          expect(now!.counter).toBeGreaterThan(Math.max(...counters));
        }
        // A used recovery code is used everywhere.
        for (const e of replicas[0]!.entries) expect(e.recoveryCodes.length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });
});

describe("mergeSlots and mergeVaults", () => {
  const slot = (id: string, salt = 1): PasswordSlot => ({
    kind: "password",
    id,
    kdf: { name: "argon2id13", ops: 1, mem: 8192, salt: new Uint8Array(16).fill(salt) },
    nonce: new Uint8Array(24),
    wrapped: new Uint8Array(48),
  });
  const ids = (s: Slot[]) => s.map((x) => x.id);
  const P1 = "1".repeat(32),
    P2 = "2".repeat(32),
    P3 = "3".repeat(32);

  it("a password changed on one side (slot replaced) reaches the other; the old one is gone", () => {
    expect(ids(mergeSlots([slot(P1)], [slot(P2)], [slot(P1)]))).toEqual([P2]);
    expect(ids(mergeSlots([slot(P1)], [slot(P1)], [slot(P2)]))).toEqual([P2]);
  });

  it("a slot changed in place on one side wins; changed on both, a fixed pick either way", () => {
    expect(
      mergeSlots([slot(P1, 1)], [slot(P1, 2)], [slot(P1, 1)])[0]!.kind === "password" &&
        (mergeSlots([slot(P1, 1)], [slot(P1, 2)], [slot(P1, 1)])[0] as PasswordSlot).kdf.salt[0],
    ).toBe(2);
    const x = mergeSlots([slot(P1, 1)], [slot(P1, 2)], [slot(P1, 3)]);
    const y = mergeSlots([slot(P1, 1)], [slot(P1, 3)], [slot(P1, 2)]);
    expect(x).toEqual(y);
  });

  it("slots added on both sides are all kept (both new passwords open the merged vault)", () => {
    expect(ids(mergeSlots([slot(P1)], [slot(P2)], [slot(P3)]))).toEqual([P2, P3]);
    expect(ids(mergeSlots(null, [slot(P1)], [slot(P3)]))).toEqual([P1, P3]);
  });

  it("more than 8 slots, or none this otp can open, is refused", () => {
    const many = (n: number, from: number) => Array.from({ length: n }, (_, i) => slot((from + i).toString(16).padStart(32, "0")));
    expect(() => mergeSlots(null, many(5, 0), many(5, 100))).toThrow(/at most 8/);
  });

  it("different vault ids are refused", () => {
    const env = (vaultId: string) => ({
      version: 1,
      minor: 0,
      vaultId,
      slots: [slot(P1)],
      nonce: new Uint8Array(24),
      ext: {},
      data: new Uint8Array(16),
    });
    const data: VaultData = { entries: [], tombstones: [], meta: {} };
    const key = new Uint8Array(32);
    expect(() => mergeCopies(null, { envelope: env("a".repeat(32)), data, key }, { envelope: env("b".repeat(32)), data, key })).toThrow(
      expect.objectContaining({ kind: "different-vault" }),
    );
    const m = mergeCopies(env("c".repeat(32)), { envelope: env("a".repeat(32)), data, key }, { envelope: env("a".repeat(32)), data, key });
    expect(m.envelope.vaultId).toBe("a".repeat(32));
  });
});

describe("mergeCopies: the keys of the result", () => {
  const slot = (id: string): PasswordSlot => ({
    kind: "password",
    id,
    kdf: { name: "argon2id13", ops: 1, mem: 8192, salt: new Uint8Array(16) },
    nonce: new Uint8Array(24),
    wrapped: new Uint8Array(48),
  });
  const env = (generation: number, slotId: string) => ({
    version: 1,
    minor: 2,
    vaultId: "a".repeat(32),
    slots: [slot(slotId)],
    nonce: new Uint8Array(24),
    ext: { generation },
    data: new Uint8Array(16),
  });
  const data = (name: string): VaultData => ({
    entries: [
      {
        id: name,
        name,
        issuer: "",
        account: "",
        type: "totp",
        secret: "JBSWY3DPEHPK3PXP",
        algorithm: "SHA1",
        digits: 6,
        period: 30,
        tags: [],
        notes: "",
        recoveryCodes: [],
        createdAt: T(0),
        updatedAt: T(0),
      },
    ],
    tombstones: [],
    meta: {},
  });
  const K1 = new Uint8Array(32).fill(1),
    K2 = new Uint8Array(32).fill(2),
    K2b = new Uint8Array(32).fill(3);

  it("the newer key generation wins header and key, whichever side it is on; the other key joins the prior keys; entries of both are kept", () => {
    const old = { envelope: env(1, "1".repeat(32)), key: K1, data: data("old-side") };
    const fresh = { envelope: env(2, "2".repeat(32)), key: K2, data: data("new-side") };
    for (const [a, b] of [
      [old, fresh],
      [fresh, old],
    ] as const) {
      const m = mergeCopies(null, a, b);
      expect(m.key).toEqual(K2);
      expect(m.envelope.ext.generation).toBe(2);
      expect(m.envelope.slots[0]!.id).toBe("2".repeat(32));
      expect(m.data.entries.map((e) => e.name).sort()).toEqual(["new-side", "old-side"]);
      expect(priorKeysOf(m.data)).toEqual([{ generation: 1, key: Buffer.from(K1).toString("base64") }]);
    }
  });

  it("two machines that changed the password to the same generation: one fixed pick, the same on both", () => {
    const a = { envelope: env(2, "2".repeat(32)), key: K2, data: data("a") };
    const b = { envelope: env(2, "7".repeat(32)), key: K2b, data: data("b") };
    const ab = mergeCopies(null, a, b);
    const ba = mergeCopies(null, b, a);
    expect(ab.key).toEqual(ba.key);
    expect(ab.envelope.slots).toEqual(ba.envelope.slots);
    expect(canonicalJson(ab.data)).toBe(canonicalJson(ba.data));
  });
});
