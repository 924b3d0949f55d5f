// How large the vault file would be, computed without sealing it, so a change that would take
// it past MAX_FILE_BYTES (16 MiB) is refused as an input error before anything is written,
// naming what fits, not found out afterwards as "vault file is damaged (larger than 16 MiB)".
// The arithmetic follows format.ts (the spec): the payload JSON is padded to the next whole
// KiB (at least one byte of padding), sealed (+16 bytes of tag), base64'd (4/3, padded), and
// framed by the header and the `data` and `checksum` members.
import { InputError } from "../errors.js";
import type { Entry } from "../entry.js";
import { sizeName } from "../limits.js";
import { MAX_FILE_BYTES, headerAD, type Envelope } from "./format.js";
import { serializeData, type VaultData } from "./model.js";
import { rememberedEntryJson, segmentedSize, utf8Length, type EntryJsonOf } from "./payload.js";

const PAD_BLOCK = 1024;
const TAG_BYTES = 16;
/** `,"data":"` + `"` + `,"checksum":"` + 88 base64 characters + `"}\n`, less the header's own `}`. */
const FRAME_BYTES = 9 + 1 + 13 + 88 + 3 - 1;

/** Bytes of the vault file that seals `payloadBytes` of JSON under a header of `headerBytes` (its headerAD). */
export function sealedSize(payloadBytes: number, headerBytes: number): number {
  const padded = (Math.floor(payloadBytes / PAD_BLOCK) + 1) * PAD_BLOCK;
  return headerBytes + 4 * Math.ceil((padded + TAG_BYTES) / 3) + FRAME_BYTES;
}

/** Bytes of the vault file `data` would make under `envelope`'s header (same slots, any nonce). */
export function vaultFileSize(envelope: Envelope, data: VaultData, json?: EntryJsonOf): number {
  // A file with key generations is written segmented (vault.ts sealData), an older one whole.
  if (envelope.minor >= 2) return headerAD(envelope).length + 4 * Math.ceil(segmentedSize(data, json) / 3) + FRAME_BYTES;
  return sealedSize(utf8Length(serializeData(data)), headerAD(envelope).length);
}

/**
 * How many of `added` (in order, appended to before's entries) fit in a vault file of at most
 * MAX_FILE_BYTES: added.length when all do. Each entry is serialized once.
 */
export function entriesThatFit(envelope: Envelope, before: VaultData, added: readonly Entry[]): number {
  if (envelope.minor >= 2) {
    // The segmented size is not a sum over entries (chunks, index): the size only grows with
    // each entry added, so a binary search finds the most that fit. Each entry's JSON is made
    // once, not at each of the search's ~17 steps (60,000 entries: 2 s → 0.3 s).
    const json = rememberedEntryJson();
    const fits = (n: number) =>
      vaultFileSize(envelope, { ...before, entries: [...before.entries, ...added.slice(0, n)] }, json) <= MAX_FILE_BYTES;
    let lo = 0;
    let hi = added.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  const header = headerAD(envelope).length;
  let payload = utf8Length(serializeData(before));
  for (let i = 0; i < added.length; i++) {
    // A comma before every entry but the first of an empty list.
    payload += utf8Length(JSON.stringify(added[i])) + (i === 0 && before.entries.length === 0 ? 0 : 1);
    if (sealedSize(payload, header) > MAX_FILE_BYTES) return i;
  }
  return added.length;
}

/**
 * Refuses a bulk change (an import, a merge) that would take the vault file past MAX_FILE_BYTES:
 * `after` is `before` with `added` appended. Throws InputError `vault-full` (exit 2) naming how
 * many of the new entries fit; returns quietly otherwise.
 */
export function checkEntriesFit(envelope: Envelope, before: VaultData, after: VaultData, added: readonly Entry[]): void {
  const size = vaultFileSize(envelope, after);
  if (size <= MAX_FILE_BYTES) return;
  const fit = entriesThatFit(envelope, before, added);
  const n = added.length;
  throw new InputError(
    "vault-full",
    `${n} new ${n === 1 ? "entry" : "entries"} would make the vault file ${sizeName(size)}, over its limit of ${sizeName(MAX_FILE_BYTES)}: ${fit === 0 ? "none" : `only ${fit}`} of them fit`,
    [
      fit === 0
        ? "the vault is full: remove entries you no longer use (`otp remove`) first"
        : `nothing was written: import at most ${fit} of them, or remove entries you no longer use first`,
    ],
  );
}

/**
 * Refuses a sealed vault file past MAX_FILE_BYTES (vault.ts sealAndVerify, for every write: a
 * merge, a restore, an edit): InputError `vault-full` (exit 2), before anything is written.
 */
export function checkSealedFits(size: number): void {
  if (size > MAX_FILE_BYTES)
    throw new InputError(
      "vault-full",
      `the vault file would be ${sizeName(size)}, over its limit of ${sizeName(MAX_FILE_BYTES)}; nothing was written`,
      ["remove entries you no longer use (`otp remove`) first"],
    );
}
