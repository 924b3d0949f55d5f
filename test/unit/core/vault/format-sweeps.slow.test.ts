// Exhaustive damage sweeps over a real small vault (docs/testplan.md A.3, A.5): every truncation,
// every flipped bit, and every flipped bit with the checksum recomputed (a deliberate edit).
// Damage is always a VaultDamagedError found before any KDF; an edit that gets past the
// checksum is caught by the canonical check, a slot that no longer opens (AuthError) or the
// payload's AEAD, and never opens as changed data.
import { beforeAll, describe, expect, it } from "vitest";
import { AuthError, VaultDamagedError } from "../../../../src/core/errors.js";
import { kdfCount } from "../../../../src/core/vault/kdf.js";
import { equalBytes, parseEnvelope, type Envelope } from "../../../../src/core/vault/format.js";
import { openData, unlockWithPassword } from "../../../../src/core/vault/vault.js";
import { dec, flipBit, openWithPassword, resign, smallVault, type SmallVault } from "./helpers.js";

let v: SmallVault;
let text: string;
/** `{"format":"otpvault",`: a file that does not start so is not a vault at all. */
const PREFIX = '{"format":"otpvault",';
let versionAt: number;

beforeAll(async () => {
  v = await smallVault();
  text = dec(v.bytes);
  versionAt = text.indexOf('"version":1,') + '"version":'.length;
  expect(text.startsWith(PREFIX)).toBe(true);
  expect(v.bytes.length).toBeGreaterThan(1500);
});

/** The kind parseEnvelope throws, or "parsed". Anything but a VaultDamagedError is a failure. */
function parseOutcome(bytes: Uint8Array): string {
  try {
    parseEnvelope(bytes);
    return "parsed";
  } catch (err) {
    if (!(err instanceof VaultDamagedError)) throw err;
    return err.kind;
  }
}

describe("truncation sweep", () => {
  it("the vault cut at every length 0…n−1 is damaged (never AuthError, never another exception), with no KDF", async () => {
    const before = kdfCount();
    const kinds = new Map<string, number>();
    for (let n = 0; n < v.bytes.length; n++) {
      const cut = v.bytes.slice(0, n);
      let kind: string;
      try {
        await openWithPassword(cut, "test");
        kind = "opened";
      } catch (err) {
        kind = err instanceof VaultDamagedError ? err.kind : `${(err as Error).name}: ${(err as Error).message}`;
      }
      // shorter than the prefix it cannot claim to be a vault; from there on it is a damaged one
      const want = n >= PREFIX.length ? ["corrupted"] : ["corrupted", "not-a-vault"];
      if (!want.includes(kind)) expect.fail(`cut at ${n} of ${v.bytes.length}: ${kind}`);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    expect(kdfCount() - before).toBe(0);
    expect(kinds.get("corrupted")).toBeGreaterThan(v.bytes.length - PREFIX.length - 1);
  });

  it("the message says corrupted or truncated, or empty, or truncated", () => {
    for (const n of [0, 30, Math.floor(v.bytes.length / 2), v.bytes.length - 2, v.bytes.length - 1]) {
      const err = (() => {
        try {
          parseEnvelope(v.bytes.slice(0, n));
        } catch (e) {
          return e as VaultDamagedError;
        }
        throw new Error("parsed");
      })();
      expect(err.message).toMatch(/empty|corrupted or truncated|truncated/);
    }
  });
});

describe("bit-flip sweep", () => {
  /** parseEnvelope's outcome for every flipped bit of the vault, computed once. */
  let flips: { bit: number; kind: string }[];
  let kdfRuns: number;
  beforeAll(() => {
    const before = kdfCount();
    flips = [];
    for (let bit = 0; bit < v.bytes.length * 8; bit++) flips.push({ bit, kind: parseOutcome(flipBit(v.bytes, bit)) });
    kdfRuns = kdfCount() - before;
  });

  it("every flipped bit is damage found before any KDF (exit 5, never 4 or 0)", () => {
    expect(flips).toHaveLength(v.bytes.length * 8);
    expect(flips.filter((f) => !["corrupted", "not-a-vault", "newer-version"].includes(f.kind))).toEqual([]);
    expect(kdfRuns).toBe(0);
  });

  it("a flip in the format prefix is not-a-vault, one in the version number newer-version or corrupted, any other is corrupted", () => {
    const wrong: string[] = [];
    for (const { bit, kind } of flips) {
      const at = bit >> 3;
      const want = at < PREFIX.length ? ["not-a-vault"] : at === versionAt ? ["newer-version", "corrupted"] : ["corrupted"];
      if (!want.includes(kind)) wrong.push(`byte ${at} (${JSON.stringify(text[at])}) bit ${bit & 7}: ${kind}`);
    }
    // Bug (see the report): a flip that makes the bytes invalid UTF-8 anywhere in the file is
    // reported as not-a-vault ("not an otp vault") instead of corrupted.
    expect({ count: wrong.length, first: wrong.slice(0, 5) }).toEqual({ count: 0, first: [] });
  });

  it("with the checksum recomputed, every flip is refused by parse (5), unlock (4) or the payload (5), or restores the original", async () => {
    const outcomes = new Map<string, number>();
    const opened: string[] = [];
    // unlockWithPassword is a pure function of (vaultId, slots, password): flips elsewhere
    // (payload nonce, ext, data) reuse its result instead of running the KDF ~7,000 more times
    const unlocked = new Map<string, Uint8Array | AuthError>();
    for (let bit = 0; bit < v.bytes.length * 8; bit++) {
      const edited = resign(flipBit(v.bytes, bit));
      let outcome: string;
      let envelope: Envelope;
      try {
        envelope = parseEnvelope(edited).envelope;
      } catch (err) {
        if (!(err instanceof VaultDamagedError)) throw err;
        outcomes.set(`parse ${err.kind}`, (outcomes.get(`parse ${err.kind}`) ?? 0) + 1);
        continue;
      }
      const t = dec(edited);
      const slotsKey = t.slice(t.indexOf('"vaultId":'), t.indexOf(',"cipher":'));
      if (!unlocked.has(slotsKey)) {
        try {
          unlocked.set(slotsKey, await unlockWithPassword(envelope, "test"));
        } catch (err) {
          if (!(err instanceof AuthError)) throw err;
          unlocked.set(slotsKey, err);
        }
      }
      const key = unlocked.get(slotsKey)!;
      if (key instanceof AuthError) outcome = `unlock ${key.kind}`;
      else {
        try {
          const data = openData(envelope, key);
          outcome = "opened";
          // only a flip that resign() undid (in the checksum or its closing bytes) may open
          if (!equalBytes(edited, v.bytes)) opened.push(`bit ${bit}: opened a changed file (${data.entries.length} entries)`);
        } catch (err) {
          if (!(err instanceof VaultDamagedError)) throw err;
          outcome = `payload ${err.kind}`;
        }
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(opened).toEqual([]);
    // each line of defence was actually reached by some flips
    expect(outcomes.get("unlock wrong-password")).toBeGreaterThan(100);
    expect(outcomes.get("payload corrupted")).toBeGreaterThan(1000);
    expect(outcomes.get("parse corrupted")).toBeGreaterThan(1000);
    expect(outcomes.get("parse unsafe-kdf-params")).toBeGreaterThan(0);
    expect(outcomes.get("opened")).toBeGreaterThan(0);
  });
});
