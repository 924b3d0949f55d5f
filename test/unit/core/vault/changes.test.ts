// Commit messages from what a write changed: the action and the entries' ids, never a name,
// secret, issuer or account.
import { describe, expect, it } from "vitest";
import type { Entry } from "../../../../src/core/entry.js";
import { changeSummary, commitMessage, entryChanges, otherChange } from "../../../../src/core/vault/changes.js";
import { removeEntry, updateEntry, type VaultData } from "../../../../src/core/vault/model.js";

const entry = (id: string, more: Partial<Entry> = {}): Entry => ({
  id,
  name: "GitHub",
  issuer: "GitHub",
  account: "ada@example.com",
  type: "hotp",
  secret: "JBSWY3DPEHPK3PXP",
  algorithm: "SHA1",
  digits: 6,
  counter: 0,
  tags: [],
  notes: "",
  recoveryCodes: [{ code: "r-1", usedAt: null }],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...more,
});
const data = (...entries: Entry[]): VaultData => ({ entries, tombstones: [], meta: {} });
const ID = "3f2a9c1d00112233445566778899aabb";
const T = "2026-02-01T00:00:00.000Z";

describe("commitMessage", () => {
  it("names each action with the entry's short id", () => {
    const one = data(entry(ID));
    expect(commitMessage(entryChanges(data(), one))).toBe("otp: add entry 3f2a9c1d");
    expect(commitMessage(entryChanges(one, removeEntry(one, ID, T)))).toBe("otp: remove entry 3f2a9c1d");
    expect(commitMessage(entryChanges(one, updateEntry(one, ID, { counter: 1 }, T)))).toBe("otp: use an HOTP code of entry 3f2a9c1d");
    expect(commitMessage(entryChanges(one, updateEntry(one, ID, { recoveryCodes: [{ code: "r-1", usedAt: T }] }, T)))).toBe(
      "otp: change the recovery codes of entry 3f2a9c1d",
    );
    expect(commitMessage(entryChanges(one, updateEntry(one, ID, { name: "gh", counter: 2 }, T)))).toBe("otp: edit entry 3f2a9c1d");
  });

  it("groups several entries and several actions; says something when no entry changed", () => {
    const ids = ["a1".repeat(16), "b2".repeat(16), "c3".repeat(16), "d4".repeat(16)];
    expect(commitMessage(entryChanges(data(), data(...ids.slice(0, 2).map((i) => entry(i)))))).toBe("otp: add entries a1a1a1a1, b2b2b2b2");
    expect(commitMessage(entryChanges(data(), data(...ids.map((i) => entry(i)))))).toBe("otp: add 4 entries");
    const before = data(entry(ids[0]!), entry(ids[1]!));
    const after = data(entry(ids[1]!, { notes: "x", updatedAt: T }), entry(ids[2]!));
    expect(commitMessage(entryChanges(before, after))).toBe("otp: add entry c3c3c3c3; remove entry a1a1a1a1; edit entry b2b2b2b2");
    expect(changeSummary(entryChanges(before, after))).toBe("1 added, 1 removed, 1 changed");
    expect(commitMessage(entryChanges(before, { ...before, meta: { lastBackup: T } }))).toBe("otp: update the vault");
  });

  it("never holds a name, issuer, account or secret, and ids keep only safe characters", () => {
    const odd = entry("$(rm -rf ~)\n;x y");
    const msg = commitMessage(entryChanges(data(), data(odd)));
    expect(msg).toBe("otp: add entry rm-rfxy");
    for (const s of ["GitHub", "ada@example.com", "JBSWY3DPEHPK3PXP"]) expect(msg).not.toContain(s);
  });
});

describe("otherChange", () => {
  it("names a write that changed no entry: new keys, a recorded backup, or anything else", () => {
    const before = data(entry(ID));
    const backedUp: VaultData = { ...before, meta: { lastBackup: { at: T, fingerprint: "f", file: "b.otp" } } };
    expect(commitMessage(entryChanges(before, before), otherChange(before, before, true))).toBe("otp: change the vault's keys");
    expect(commitMessage(entryChanges(before, backedUp), otherChange(before, backedUp, false))).toBe("otp: record a verified backup");
    expect(otherChange(before, { ...before, meta: { other: 1 } }, false)).toBe("update the vault");
  });
});
