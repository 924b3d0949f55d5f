// The HOTP counter limit in core: counterAfter refuses to move a counter past
// MAX_COUNTER (2^53 − 1, where otpauth's codes are still exact); checkDraft and the validator
// for data from elsewhere (entry-limits.ts) refuse counters past it; a restore refuses a backup
// holding one (entries or tombstones) before merging anything.
import { describe, expect, it } from "vitest";
import { checkDraft, counterAfter, MAX_COUNTER } from "../../../../src/core/entry.js";
import { generateCode } from "../../../../src/core/otp.js";
import { checkEntryLimits } from "../../../../src/core/vault/entry-limits.js";
import { emptyData, type VaultData } from "../../../../src/core/vault/model.js";
import { mergeRestore, replaceRestore } from "../../../../src/core/vault/restore.js";
import { newId } from "../../../../src/core/vault/vault.js";
import { NOW_ISO, dataWith, totpDraft } from "./helpers.js";

const hotpDraft = (counter: number) => ({ ...totpDraft("bank"), type: "hotp" as const, period: undefined, counter });

describe("MAX_COUNTER and counterAfter", () => {
  it("is 2^53 − 1, and codes are made up to it", () => {
    expect(MAX_COUNTER).toBe(2 ** 53 - 1);
    expect(generateCode(hotpDraft(MAX_COUNTER), 0).code).toMatch(/^\d{6}$/);
    expect(() => generateCode(hotpDraft(MAX_COUNTER), 0, 1)).toThrow(/counter must be a whole number from 0 to 2\^53 − 1/);
  });

  it("moves a counter on by one, up to the limit and no further", () => {
    expect(counterAfter(0)).toBe(1);
    expect(counterAfter(MAX_COUNTER - 1)).toBe(MAX_COUNTER);
    for (const c of [MAX_COUNTER, 2 ** 53, -1, 1.5, Number.NaN])
      expect(() => counterAfter(c), String(c)).toThrow(expect.objectContaining({ name: "InputError", kind: "counter-exhausted" }));
  });

  it("checkDraft takes counters up to the limit and refuses past it", () => {
    expect(checkDraft(hotpDraft(MAX_COUNTER)).counter).toBe(MAX_COUNTER);
    expect(() => checkDraft(hotpDraft(2 ** 53))).toThrow(/from 0 to 2\^53 − 1/);
  });
});

describe("checkEntryLimits", () => {
  const withCounter = (counter: unknown): VaultData => {
    const d = dataWith([hotpDraft(5)]);
    (d.entries[0] as unknown as { counter: unknown }).counter = counter;
    return d;
  };

  it("accepts every counter from 0 to the limit, and entries without one", () => {
    for (const c of [0, 1, MAX_COUNTER]) expect(() => checkEntryLimits(withCounter(c), "x")).not.toThrow();
    expect(() => checkEntryLimits(dataWith([totpDraft("a")]), "x")).not.toThrow();
  });

  it("refuses a counter past the limit, negative, fractional or not a number, naming the entry", () => {
    for (const c of [2 ** 53, 2 ** 60, -1, 1.5, "7"])
      expect(() => checkEntryLimits(withCounter(c), "the other copy"), String(c)).toThrow(
        expect.objectContaining({
          name: "InputError",
          kind: "invalid-entry",
          message: 'the other copy: the HOTP counter of "bank" is not a whole number from 0 to 2^53 − 1; nothing was changed',
        }),
      );
  });

  it("refuses a tombstone's counter past the limit (a merge takes the largest)", () => {
    const d = dataWith([totpDraft("a")]);
    d.tombstones.push({ id: "gone", removedAt: NOW_ISO, counter: 2 ** 53 });
    expect(() => checkEntryLimits(d, "the backup")).toThrow(/a removed entry's HOTP counter/);
  });
});

describe("restore refuses a backup with a counter past the limit", () => {
  it("merge and replace both, before changing anything", () => {
    const vault = dataWith([hotpDraft(5)]);
    const backup = structuredClone(vault);
    backup.entries[0]!.counter = 2 ** 53;
    expect(() => mergeRestore(vault, backup, { newId, nowIso: NOW_ISO })).toThrow(/^the backup: the HOTP counter of "bank"/);
    expect(() => replaceRestore(vault, backup, NOW_ISO)).toThrow(/^the backup: the HOTP counter of "bank"/);
    const tomb = emptyData(NOW_ISO);
    tomb.tombstones.push({ id: vault.entries[0]!.id, removedAt: NOW_ISO, counter: 2 ** 60 });
    expect(() => mergeRestore(vault, tomb, { newId, nowIso: NOW_ISO })).toThrow(/removed entry's HOTP counter/);
    backup.entries[0]!.counter = MAX_COUNTER;
    expect(mergeRestore(vault, backup, { newId, nowIso: NOW_ISO }).data.entries[0]!.counter).toBe(MAX_COUNTER);
  });
});
