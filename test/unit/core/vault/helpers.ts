// Shared pieces of the vault unit tests: small vaults with the cheap test-only KDF, the whole
// open path (parse → unlock → open), bit flips, and a checksum recomputed from the spec's rule
// (BLAKE2b-512 of the canonical body + "\n") with node:crypto, independently of format.ts.
import { createHash, randomBytes } from "node:crypto";
import { encodeBase32 } from "../../../../src/core/base32.js";
import type { EntryDraft } from "../../../../src/core/entry.js";
import { kdfCount } from "../../../../src/core/vault/kdf.js";
import { parseEnvelope, serializeEnvelope, type Envelope } from "../../../../src/core/vault/format.js";
import { addEntry, emptyData, type VaultData } from "../../../../src/core/vault/model.js";
import { createVault, newId, openData, sealData, unlockWithPassword } from "../../../../src/core/vault/vault.js";

/** Argon2id at 8 KiB / 1 pass: test-only, about half a millisecond. */
export const CHEAP_KDF = { ops: 1, mem: 8192 };
export const NOW_ISO = "2026-01-01T00:00:00.000Z";

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export function totpDraft(name: string, secret = "JBSWY3DPEHPK3PXP", more: Partial<EntryDraft> = {}): EntryDraft {
  return { name, issuer: name, account: `${name}@example.com`, type: "totp", secret, algorithm: "SHA1", digits: 6, period: 30, ...more };
}

export function dataWith(drafts: EntryDraft[]): VaultData {
  let data = emptyData(NOW_ISO);
  for (const d of drafts) data = addEntry(data, d, newId(), NOW_ISO).data;
  return data;
}

export interface SmallVault {
  bytes: Uint8Array;
  masterKey: Uint8Array;
  envelope: Envelope;
  data: VaultData;
  password: string;
}

/** A vault with cheap KDF parameters holding the given entries (one TOTP entry by default). */
export async function smallVault(password = "test", drafts: EntryDraft[] = [totpDraft("GitHub")]): Promise<SmallVault> {
  const data = dataWith(drafts);
  const { bytes, masterKey, envelope } = await createVault(password, data, CHEAP_KDF);
  return { bytes, masterKey, envelope, data, password };
}

/** The whole read path of a command: parse, unlock with the password, decrypt. */
export async function openWithPassword(
  bytes: Uint8Array,
  password: string,
): Promise<{ data: VaultData; readOnly: boolean; masterKey: Uint8Array }> {
  const { envelope, readOnly } = parseEnvelope(bytes);
  const masterKey = await unlockWithPassword(envelope, password);
  return { data: openData(envelope, masterKey), readOnly, masterKey };
}

/** Runs fn and returns what it threw (fails the test when it does not throw). */
export async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error, but nothing was thrown");
}

export function thrownSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error, but nothing was thrown");
}

/** How many KDF runs fn caused. */
export async function kdfRunsDuring(fn: () => unknown): Promise<number> {
  const before = kdfCount();
  try {
    await fn();
  } catch {
    // the caller checks the error separately
  }
  return kdfCount() - before;
}

export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

const b2 = (text: string): string => createHash("blake2b512").update(Buffer.from(text, "utf8")).digest("base64");

/**
 * A deliberate edit: the file with its checksum recomputed over whatever precedes the last
 * `,"checksum":"` (the spec's rule). Bytes without that marker come back unchanged. Works on
 * bytes so that invalid UTF-8 elsewhere survives as it is.
 */
export function resign(bytes: Uint8Array): Uint8Array {
  const marker = Buffer.from(',"checksum":"');
  const buf = Buffer.from(bytes);
  const at = buf.lastIndexOf(marker);
  if (at < 0) return new Uint8Array(bytes);
  const bodyBytes = Buffer.concat([buf.subarray(0, at), Buffer.from("}")]);
  const sum = createHash("blake2b512")
    .update(Buffer.concat([bodyBytes, Buffer.from("\n")]))
    .digest("base64");
  return new Uint8Array(Buffer.concat([buf.subarray(0, at), Buffer.from(`,"checksum":"${sum}"}\n`)]));
}

/** Resigns after editing the file's text. */
export function editText(bytes: Uint8Array, fn: (text: string) => string): Uint8Array {
  const out = fn(dec(bytes));
  return resign(enc(out));
}

/**
 * Edits the file as JSON (member order kept, new members go before the checksum) and writes
 * it back compactly with a fresh checksum, as a hand edit would.
 */
export function editJson(bytes: Uint8Array, fn: (o: Record<string, any>) => void): Uint8Array {
  const o = JSON.parse(dec(bytes)) as Record<string, any>;
  delete o.checksum;
  fn(o);
  const body = JSON.stringify(o);
  return enc(`${body.slice(0, -1)},"checksum":"${b2(body + "\n")}"}\n`);
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** A random 160-bit secret in base32. */
export const randomSecret = (): string => encodeBase32(randomBytes(20));

/** The length of the vault file `data` seals to under v's header and key (for the size tests). */
export const sealedLength = (v: { envelope: Envelope; masterKey: Uint8Array }, data: VaultData): number =>
  serializeEnvelope(sealData(v.envelope, v.masterKey, data)).length;
