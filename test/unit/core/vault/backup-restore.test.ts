// Backups and restores in core (docs/testplan.md I.62–I.65): backup → restore into a fresh vault keeps
// every entry, recovery code and HOTP counter (a property over random vaults); a separate backup
// password is not opened by the vault's keys; damage is refused before any key is tried; and the
// merge and replace rules of core/vault/restore.ts, case by case.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Entry } from "../../../../src/core/entry.js";
import { AuthError, VaultDamagedError } from "../../../../src/core/errors.js";
import { generateCode } from "../../../../src/core/otp.js";
import { backupWithPassword, backupWithVaultKeys, checkBackup, openBackup, readBackup } from "../../../../src/core/vault/backup.js";
import { emptyData, removeEntry, type VaultData } from "../../../../src/core/vault/model.js";
import { generateRecoveryKey, makeRecoverySlot, withRecoverySlot } from "../../../../src/core/vault/recovery-key.js";
import { mergeRestore, replaceRestore } from "../../../../src/core/vault/restore.js";
import { newId } from "../../../../src/core/vault/vault.js";
import { CHEAP_KDF, NOW_ISO, flipBit, smallVault, thrown } from "./helpers.js";

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const AT = Date.UTC(2026, 4, 1, 12, 0, 0);
const LATER = "2026-06-01T00:00:00.000Z";

const iso = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((t) => new Date(t).toISOString());
const code = fc.record({ code: fc.stringMatching(/^[a-z0-9]{4,5}-[a-z0-9]{4,5}$/), usedAt: fc.option(iso, { nil: null }) });
const entry: fc.Arbitrary<Entry> = fc
  .record({
    id: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString("hex")),
    name: fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
    issuer: fc.string({ unit: "grapheme", maxLength: 20 }),
    account: fc.string({ unit: "grapheme", maxLength: 30 }),
    type: fc.constantFrom("totp" as const, "hotp" as const, "steam" as const),
    secret: fc
      .array(fc.constantFrom(...B32), { minLength: 16, maxLength: 64 })
      .map((a) => a.join(""))
      .filter((s) => ![1, 3, 6].includes(s.length % 8)),
    algorithm: fc.constantFrom("SHA1" as const, "SHA256" as const, "SHA512" as const),
    digits: fc.integer({ min: 6, max: 10 }),
    period: fc.constantFrom(15, 30, 60, 90),
    counter: fc.maxSafeNat(),
    tags: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }),
    notes: fc.string({ unit: "grapheme", maxLength: 40 }),
    recoveryCodes: fc.array(code, { maxLength: 12 }),
    createdAt: iso,
    updatedAt: iso,
  })
  .map((e) => {
    const out: Entry = { ...e };
    if (e.type === "hotp") delete out.period;
    else delete out.counter;
    if (e.type === "steam") ((out.digits = 5), (out.algorithm = "SHA1"));
    return out;
  });
// Names are unique in a vault (case-insensitively, as addEntry keeps them); ids are 128 random bits.
const vaultData = fc
  .uniqueArray(entry, { selector: (e) => e.name.toLowerCase(), maxLength: 12 })
  .map((entries): VaultData => ({ entries, tombstones: [], meta: { createdAt: NOW_ISO } }));

const codesAt = (entries: Entry[]) => entries.map((e) => generateCode(e, AT).code);

describe("backup → restore into a fresh vault keeps everything (property)", () => {
  it("under the vault's keys: every entry, field, recovery code and HOTP counter, and the same codes", async () => {
    const v = await smallVault("pw", []);
    await fc.assert(
      fc.asyncProperty(vaultData, async (data) => {
        const bytes = backupWithVaultKeys(v.envelope, v.masterKey, data);
        const opened = await openBackup(readBackup(bytes), { passwords: ["pw"] });
        expect(checkBackup(opened.data, AT).entries).toBe(data.entries.length);
        const { data: fresh, report } = mergeRestore(emptyData(NOW_ISO), opened.data, { newId, nowIso: LATER });
        expect(fresh.entries).toEqual(data.entries);
        expect(report.added).toHaveLength(data.entries.length);
        expect(codesAt(fresh.entries)).toEqual(codesAt(data.entries));
      }),
      { numRuns: 60 },
    );
  });

  it("under a backup password: the same, and it opens with that password only", async () => {
    const v = await smallVault("pw", []);
    await fc.assert(
      fc.asyncProperty(vaultData, fc.string({ minLength: 1, maxLength: 12 }), async (data, backupPw) => {
        fc.pre(backupPw !== "pw");
        const { bytes } = await backupWithPassword(v.envelope, data, backupPw, CHEAP_KDF);
        const parsed = readBackup(bytes);
        expect(parsed.envelope.vaultId).not.toBe(v.envelope.vaultId);
        await expect(openBackup(parsed, { passwords: ["pw"], masterKeys: [v.masterKey] })).rejects.toThrow(AuthError);
        const opened = await openBackup(parsed, { passwords: [backupPw] });
        const { data: fresh } = mergeRestore(emptyData(NOW_ISO), opened.data, { newId, nowIso: LATER });
        expect(fresh.entries).toEqual(data.entries);
      }),
      { numRuns: 25 },
    );
  });
});

describe("which keys open which backup", () => {
  it("a backup under the vault's keys opens with its password, its master key and its recovery key", async () => {
    const v = await smallVault("pw");
    const rk = generateRecoveryKey();
    const env = withRecoverySlot(v.envelope, await makeRecoverySlot(v.envelope.vaultId, v.masterKey, rk.bytes, 1));
    const parsed = readBackup(backupWithVaultKeys(env, v.masterKey, v.data));
    for (const keys of [{ passwords: ["pw"] }, { masterKeys: [v.masterKey] }, { recoveryKeys: [rk.bytes] }])
      expect((await openBackup(parsed, keys)).data.entries.map((e) => e.name)).toEqual(["GitHub"]);
    await expect(openBackup(parsed, { passwords: ["nope"], recoveryKeys: [generateRecoveryKey().bytes] })).rejects.toThrow(
      "wrong password for the backup",
    );
  });

  it("a backup under its own password has no recovery slot and a fresh master key", async () => {
    const v = await smallVault("pw");
    const rk = generateRecoveryKey();
    const env = withRecoverySlot(v.envelope, await makeRecoverySlot(v.envelope.vaultId, v.masterKey, rk.bytes, 1));
    const { bytes, masterKey } = await backupWithPassword(env, v.data, "other", CHEAP_KDF);
    const parsed = readBackup(bytes);
    expect(parsed.envelope.slots.map((s) => s.kind)).toEqual(["password"]);
    expect(Buffer.from(masterKey).equals(Buffer.from(v.masterKey))).toBe(false);
    await expect(openBackup(parsed, { recoveryKeys: [rk.bytes], masterKeys: [v.masterKey], passwords: ["pw"] })).rejects.toThrow(AuthError);
  });
});

describe("damaged backups are refused before any key is tried", () => {
  it("every truncation and a sweep of bit flips: VaultDamagedError from readBackup, or (a flip in a slot) AuthError, never data", async () => {
    const v = await smallVault("pw");
    const bytes = backupWithVaultKeys(v.envelope, v.masterKey, v.data);
    for (let n = 0; n < bytes.length; n += 7) expect(() => readBackup(bytes.slice(0, n))).toThrow(VaultDamagedError);
    for (let bit = 0; bit < bytes.length * 8; bit += 13) {
      const err = await thrown(async () => openBackup(readBackup(flipBit(bytes, bit)), { passwords: ["pw"], masterKeys: [v.masterKey] }));
      if (!(err instanceof VaultDamagedError) && !(err instanceof AuthError)) expect.fail(`bit ${bit}: ${err}`);
    }
  });

  it("says backup, not vault, in the message", () => {
    const err = (() => {
      try {
        readBackup(new Uint8Array(0));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err!.message).toMatch(/^backup is empty/);
  });
});

// ---- merge and replace rules, case by case ----

function e(name: string, more: Partial<Entry> = {}): Entry {
  return {
    id: newId(),
    name,
    issuer: name,
    account: `${name}@example.com`,
    type: "totp",
    secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX" + name.length,
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    tags: [],
    notes: "",
    recoveryCodes: [],
    createdAt: NOW_ISO,
    updatedAt: NOW_ISO,
    ...more,
  };
}
const data = (...entries: Entry[]): VaultData => ({ entries, tombstones: [], meta: { createdAt: NOW_ISO } });
const opts = { newId, nowIso: LATER };

describe("merge", () => {
  it("an identical entry is unchanged; the vault's own entries are never removed", () => {
    const a = e("a", { secret: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    const only = e("only", { secret: "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" });
    const { data: out, report } = mergeRestore(data(a, only), data({ ...a }), opts);
    expect(out.entries).toEqual([a, only]);
    expect(report).toMatchObject({ unchanged: 1, added: [], updated: [], conflicts: [] });
  });

  it("same entry: recovery codes united (used wins, earlier time), the higher HOTP counter, stamped now", () => {
    const base = e("bank", {
      type: "hotp",
      counter: 5,
      period: undefined,
      secret: "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
      recoveryCodes: [
        { code: "one-1", usedAt: null },
        { code: "two-2", usedAt: "2026-03-01T00:00:00.000Z" },
      ],
    });
    const inBackup: Entry = {
      ...base,
      counter: 9,
      recoveryCodes: [
        { code: "ONE1", usedAt: "2026-02-01T00:00:00.000Z" },
        { code: "two-2", usedAt: "2026-02-15T00:00:00.000Z" },
        { code: "three-3", usedAt: null },
      ],
    };
    const { data: out, report } = mergeRestore(data(base), data(inBackup), opts);
    expect(out.entries).toHaveLength(1);
    expect(out.entries[0]!.counter).toBe(9);
    expect(out.entries[0]!.recoveryCodes).toEqual([
      { code: "one-1", usedAt: "2026-02-01T00:00:00.000Z" },
      { code: "two-2", usedAt: "2026-02-15T00:00:00.000Z" },
      { code: "three-3", usedAt: null },
    ]);
    expect(out.entries[0]!.updatedAt).toBe(LATER);
    expect(report.updated[0]!.changes).toEqual(["1 recovery code added", "2 recovery codes marked used", "counter 5 → 9"]);
  });

  it("a lower HOTP counter in the backup never moves the vault's back", () => {
    const base = e("bank", { type: "hotp", counter: 9, period: undefined });
    const { data: out, report } = mergeRestore(data(base), data({ ...base, counter: 2 }), opts);
    expect(out.entries[0]!.counter).toBe(9);
    expect(report.unchanged).toBe(1);
  });

  it("the vault's labels stay, whatever the clocks said: a local edit stamped before the backup (the clock was behind) is not reverted", () => {
    // Edited here after the backup was made, on a machine whose clock was a year behind.
    const edited = e("ghloc", { notes: "edited here", updatedAt: "2025-01-01T00:00:00.000Z" });
    const inBackup = { ...edited, name: "gh", notes: "as backed up", updatedAt: "2026-02-01T00:00:00.000Z" };
    const { data: out, report } = mergeRestore(data(edited), data(inBackup), opts);
    expect(out.entries[0]).toMatchObject({ name: "ghloc", notes: "edited here" });
    expect(report.unchanged).toBe(1);
    const older = { ...edited, name: "github", notes: "older", updatedAt: "2024-01-01T00:00:00.000Z" };
    expect(mergeRestore(data(edited), data(older), opts).data.entries[0]).toMatchObject({ name: "ghloc", notes: "edited here" });
  });

  it("same id, another secret or digits: a conflict, both kept, the backup's under a new id and a (backup) name", () => {
    const base = e("github");
    const other = { ...base, secret: "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD" };
    const { data: out, report } = mergeRestore(data(base), data(other), opts);
    expect(out.entries.map((x) => x.name)).toEqual(["github", "github (backup)"]);
    expect(out.entries[1]!.id).not.toBe(base.id);
    expect(out.entries[1]!.secret).toBe(other.secret);
    expect(report.conflicts).toEqual([{ name: "github", keptAs: "github (backup)", why: "different secrets" }]);
    expect(mergeRestore(data(base), data({ ...base, digits: 8 }), opts).report.conflicts[0]!.why).toBe("different digits");
  });

  it("an entry from elsewhere (an id the vault never had) with a secret the vault has: merged into it", () => {
    const mine = e("github", { recoveryCodes: [{ code: "a-1", usedAt: null }] });
    const theirs = { ...mine, id: newId(), name: "GitHub (old phone)", recoveryCodes: [{ code: "b-2", usedAt: null }] };
    const { data: out, report } = mergeRestore(data(mine), data(theirs), opts);
    expect(out.entries).toHaveLength(1);
    expect(out.entries[0]!.recoveryCodes.map((c) => c.code)).toEqual(["a-1", "b-2"]);
    expect(report.updated).toHaveLength(1);
  });

  it("an entry the vault removed is brought back (even when another entry has its secret), stamped now, its tombstone gone", () => {
    const a = e("a");
    const twin = { ...a, id: newId(), name: "twin" };
    const removed = removeEntry(data(a, twin), a.id, "2026-03-01T00:00:00.000Z");
    const { data: out, report } = mergeRestore(removed, data(a), opts);
    expect(out.entries.map((x) => x.name).sort()).toEqual(["a", "twin"]);
    expect(out.entries.find((x) => x.id === a.id)!.updatedAt).toBe(LATER);
    expect(out.tombstones).toEqual([]);
    expect(report.restored).toEqual(["a"]);
  });

  it("a new entry whose name is taken is added renamed; two entries of the backup with one secret both land", () => {
    const mine = e("github", { secret: "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE" });
    const x = e("github", { secret: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF" });
    const y1 = e("y1", { secret: "GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG" });
    const y2 = { ...y1, id: newId(), name: "y2" };
    const { data: out, report } = mergeRestore(data(mine), data(x, y1, y2), opts);
    expect(out.entries.map((z) => z.name)).toEqual(["github", "github (backup)", "y1", "y2"]);
    expect(report.renamed).toEqual([{ from: "github", to: "github (backup)" }]);
  });

  it("is deterministic given the ids, and merging the same backup twice changes nothing the second time", () => {
    const v = data(e("a", { secret: "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH" }));
    const b = data(e("b", { secret: "IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII" }), {
      ...v.entries[0]!,
      secret: "JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ",
    });
    let n = 0;
    const ids = () => `${String(++n).padStart(32, "0")}`;
    const once = mergeRestore(v, b, { newId: ids, nowIso: LATER });
    n = 0;
    expect(mergeRestore(v, b, { newId: ids, nowIso: LATER })).toEqual(once);
    const twice = mergeRestore(once.data, b, opts);
    expect(twice.data.entries).toEqual(once.data.entries);
    expect(twice.report.unchanged).toBe(2);
    expect(twice.report.added.length + twice.report.conflicts.length).toBe(0);
  });
});

describe("replace", () => {
  it("the backup's entries exactly; the vault's others get tombstones; the vault's meta stays, with the backup's record", () => {
    const keep = e("keep", { secret: "KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK" });
    const gone = e("gone", { secret: "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL" });
    const vault = { ...data(keep, gone), meta: { createdAt: NOW_ISO, sync: { x: 1 } } };
    const fresh = e("fresh", { secret: "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM" });
    const record = { at: NOW_ISO, state: "s", file: "/b.otp" };
    const backup = { ...data({ ...keep }, fresh), meta: { createdAt: "2020-01-01T00:00:00.000Z", lastBackup: record } };
    const { data: out, report } = replaceRestore(vault, backup, LATER);
    expect(out.entries.map((x) => x.name)).toEqual(["keep", "fresh"]);
    expect(out.entries[0]).toEqual(keep);
    expect(out.entries[1]!.updatedAt).toBe(LATER);
    expect(out.tombstones).toEqual([{ id: gone.id, removedAt: LATER }]);
    expect(out.meta).toEqual({ createdAt: NOW_ISO, sync: { x: 1 }, lastBackup: record });
    expect(report).toMatchObject({ unchanged: 1, added: ["fresh"], removed: ["gone"] });
  });
});

describe("large vaults", () => {
  it("merges 3,000 entries from elsewhere into 3,000 by secret, one lookup each (no quadratic decode)", () => {
    const b32 = (i: number) => [3, 2, 1, 0].map((k) => B32[Math.floor(i / 32 ** k) % 32]).join("");
    const mk = (i: number) => e(`e${i}`, { secret: b32(i).padEnd(32, "Q") });
    const mine = Array.from({ length: 3000 }, (_, i) => mk(i));
    const theirs = mine.map((x) => ({ ...x, id: newId(), recoveryCodes: [{ code: `c-${x.name}`, usedAt: null }] }));
    const { data: out, report } = mergeRestore(data(...mine), data(...theirs), opts);
    expect(out.entries).toHaveLength(3000);
    expect(report.updated).toHaveLength(3000);
    expect(out.entries.every((x, i) => x.id === mine[i]!.id && x.recoveryCodes[0]!.code === `c-e${i}`)).toBe(true);
  });
});
