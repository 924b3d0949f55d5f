// addEntries (an import's one pass) gives what addEntry + findBySecret a draft at a time give:
// the same names, the same skips (secrets equal as key bytes, however spelled), the same
// refusal of a taken explicit name; and it stays linear (10,000 drafts in one call).
import { describe, expect, it } from "vitest";
import type { EntryDraft } from "../../../../src/core/entry.js";
import { addEntries, addEntry, emptyData, findBySecret, type VaultData } from "../../../../src/core/vault/model.js";
import { NOW_ISO, totpDraft } from "./helpers.js";

function oneByOne(d: VaultData, drafts: EntryDraft[]) {
  let next = d;
  let skipped = 0;
  let n = 0;
  for (const draft of drafts) {
    if (findBySecret(next, draft.secret)) {
      skipped++;
      continue;
    }
    next = addEntry(next, draft, `id${n++}`, NOW_ISO).data;
  }
  return { names: next.entries.map((e) => e.name), skipped };
}

describe("addEntries", () => {
  it("matches addEntry one at a time: names made unique, duplicate secrets skipped in the vault and in the batch", () => {
    const base = addEntry(emptyData(NOW_ISO), totpDraft("GitHub", "JBSWY3DPEHPK3PXP"), "x", NOW_ISO).data;
    const anon = (issuer: string, account: string, secret: string): EntryDraft => ({
      ...totpDraft("n", secret, { issuer, account }),
      name: undefined,
    });
    const drafts = [
      anon("GitHub", "me", "KRUGKIDROVUWG2ZA"),
      anon("GitHub", "me", "KRUGKIDROVUWG2ZB"),
      anon("GitHub", "me", "KRUGKIDROVUWG2ZC"),
      anon("GitHub", "you", "jbsw y3dp ehpk 3pxp"), // the vault's secret, spelled otherwise
      anon("GitLab", "", "KRUGKIDROVUWG2ZA"), // same secret as the first draft
      anon("", "", "MFRGGZDFMZTWQ2LK"),
      anon("", "", "not base32 at all!"), // never equal to anything: kept as it is
    ];
    let n = 0;
    const r = addEntries(base, drafts, () => `id${n++}`, NOW_ISO);
    const want = oneByOne(base, drafts);
    expect(r.data.entries.map((e) => e.name)).toEqual(want.names);
    expect(r.skipped).toBe(want.skipped);
    expect(r.added.map((e) => e.name)).toEqual(want.names.slice(1));
    expect(r.data.entries[0]).toBe(base.entries[0]);
  });

  it("a taken explicit name is refused, as addEntry refuses it", () => {
    const base = addEntry(emptyData(NOW_ISO), totpDraft("work", "JBSWY3DPEHPK3PXP"), "x", NOW_ISO).data;
    expect(() => addEntries(base, [totpDraft("Work", "KRUGKIDROVUWG2ZA")], () => "y", NOW_ISO)).toThrow(/already exists/);
  });

  it("10,000 drafts in one call", () => {
    const drafts = Array.from({ length: 10_000 }, (_, i) => ({
      ...totpDraft(
        "x",
        `JBSWY3DPEHPK3PXP${(1000 + i)
          .toString(32)
          .toUpperCase()
          .replace(/[01890]/g, "A")}AAAAAAAA`.slice(0, 32),
      ),
      name: undefined,
      issuer: `Issuer${i}`,
    }));
    let n = 0;
    const r = addEntries(emptyData(NOW_ISO), drafts, () => `id${n++}`, NOW_ISO);
    expect(r.added.length + r.skipped).toBe(10_000);
    expect(new Set(r.data.entries.map((e) => e.name.toLowerCase())).size).toBe(r.data.entries.length);
  });
});
