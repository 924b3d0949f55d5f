// core/vault/size at the limit: a bulk change past 16 MiB is refused before sealing, naming how
// many of the new entries fit: exactly the most that still seal within the limit (vaults of
// 16 MiB, sealed for real). Also: an import's numbering of alike names stays linear (60,000
// drafts). Slow (seconds of sealing), so in the full suite only (vitest.config.ts "slow").
import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../../../../src/core/vault/format.js";
import { addEntries, emptyData } from "../../../../src/core/vault/model.js";
import { checkEntriesFit, entriesThatFit } from "../../../../src/core/vault/size.js";
import { sealAndVerify } from "../../../../src/core/vault/vault.js";
import { NOW_ISO, randomSecret, sealedLength, smallVault, totpDraft } from "./helpers.js";
import { encodeBase32 } from "../../../../src/core/base32.js";

describe("checkEntriesFit", () => {
  it("refuses past 16 MiB naming how many fit, and that many do fit", async () => {
    const v = await smallVault();
    // 64 KiB of notes each: some 190 entries reach the limit.
    const drafts = Array.from({ length: 300 }, (_, i) => totpDraft(`e${i}`, randomSecret(), { notes: "n".repeat(64 * 1024) }));
    let n = 0;
    const r = addEntries(v.data, drafts, () => `id${n++}`, NOW_ISO);
    const fit = entriesThatFit(v.envelope, v.data, r.added);
    expect(fit).toBeGreaterThan(100);
    expect(fit).toBeLessThan(300);
    expect(() => checkEntriesFit(v.envelope, v.data, r.data, r.added)).toThrow(
      expect.objectContaining({
        name: "InputError",
        kind: "vault-full",
        message: expect.stringMatching(
          new RegExp(`^300 new entries would make the vault file \\d+\\.\\d MiB, over its limit of 16 MiB: only ${fit} of them fit$`),
        ),
      }),
    );
    const fits = { ...r.data, entries: [...v.data.entries, ...r.added.slice(0, fit)] };
    const over = { ...r.data, entries: [...v.data.entries, ...r.added.slice(0, fit + 1)] };
    expect(sealedLength(v, fits)).toBeLessThanOrEqual(MAX_FILE_BYTES);
    expect(sealedLength(v, over)).toBeGreaterThan(MAX_FILE_BYTES);
    expect(() => checkEntriesFit(v.envelope, v.data, fits, r.added.slice(0, fit))).not.toThrow();
    // Every write seals through sealAndVerify, which refuses the one entry too many (exit 2), and
    // lets the most that fit through.
    expect(() => sealAndVerify(v.envelope, v.masterKey, over)).toThrow(
      expect.objectContaining({
        name: "InputError",
        kind: "vault-full",
        message: expect.stringMatching(/over its limit of 16 MiB; nothing was written$/),
      }),
    );
    expect(sealAndVerify(v.envelope, v.masterKey, fits).length).toBe(sealedLength(v, fits));
  });

  it("a full vault: none fit", async () => {
    const v = await smallVault();
    const big = addEntries(v.data, [totpDraft("big", randomSecret(), { notes: "n".repeat(12 * 1024 * 1024) })], () => "big", NOW_ISO).data;
    const r = addEntries(big, [totpDraft("one", randomSecret(), { notes: "m".repeat(4 * 1024 * 1024) })], () => "one", NOW_ISO);
    expect(() => checkEntriesFit(v.envelope, big, r.data, r.added)).toThrow(/1 new entry would make .*: none of them fit/);
  });
});

describe("addEntries numbering", () => {
  it("60,000 drafts of one issuer and account get Example, Example:alice, Example:alice-2, … in one linear pass", () => {
    const drafts = Array.from({ length: 60_000 }, (_, i) => ({
      ...totpDraft("x", encodeBase32(Buffer.from(`secret-number-${i}`.padEnd(20, "."))), { issuer: "Example", account: "alice" }),
      name: undefined,
    }));
    let n = 0;
    const r = addEntries(emptyData(NOW_ISO), drafts, () => `id${n++}`, NOW_ISO, { freeTakenNames: true });
    const names = r.added.map((e) => e.name);
    expect(names.slice(0, 4)).toEqual(["Example", "Example:alice", "Example:alice-2", "Example:alice-3"]);
    expect(names.at(-1)).toBe("Example:alice-59999");
    expect(new Set(names.map((s) => s.toLowerCase())).size).toBe(60_000);
  });
});
