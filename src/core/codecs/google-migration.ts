// Google Authenticator's "Transfer accounts" export: `otpauth-migration://offline?data=…`, where
// data is base64 of a protobuf MigrationPayload, read and written with protobufjs (loaded only
// here, on demand). A big export is split into batches (one QR code each) that share a batch id;
// each URI says which part it is, so missing parts can be named. Pure apart from that load.
//
// MigrationPayload: 1 repeated OtpParameters {1 secret bytes, 2 name, 3 issuer, 4 algorithm
// (1 SHA1, 2 SHA256, 3 SHA512, 4 MD5), 5 digits (1 → 6, 2 → 8), 6 type (1 HOTP, 2 TOTP),
// 7 counter int64}, 2 version, 3 batch_size, 4 batch_index, 5 batch_id (int32). No period:
// Google Authenticator's codes are always 30 s. 0 (unset) means SHA1 / 6 digits / TOTP, as
// Aegis and dim13/otpauth read it.
import { decodeBase32, encodeBase32, normaliseSecret } from "../base32.js";
import { checkDraft, COUNTER_RANGE, DEFAULT_PERIOD, MAX_COUNTER, type Algorithm, type EntryDraft } from "../entry.js";
import { InputError, OtpError } from "../errors.js";
import { MAX_ENTRIES } from "../limits.js";
import { loadPackage } from "../load.js";
import { escapeForTerminal } from "../text.js";
import type { BatchPart, ImportedEntry, ImportProblem } from "./types.js";

type Protobuf = typeof import("protobufjs/light.js");
type MessageType = import("protobufjs/light.js").Type;

const SCHEMA = {
  nested: {
    MigrationPayload: {
      fields: {
        otpParameters: { rule: "repeated", type: "OtpParameters", id: 1 },
        version: { type: "int32", id: 2 },
        batchSize: { type: "int32", id: 3 },
        batchIndex: { type: "int32", id: 4 },
        batchId: { type: "int32", id: 5 },
      },
      nested: {
        OtpParameters: {
          fields: {
            secret: { type: "bytes", id: 1 },
            name: { type: "string", id: 2 },
            issuer: { type: "string", id: 3 },
            // enums read as plain numbers, so a value this code does not know is reported, not lost
            algorithm: { type: "int32", id: 4 },
            digits: { type: "int32", id: 5 },
            type: { type: "int32", id: 6 },
            counter: { type: "int64", id: 7 },
          },
        },
      },
    },
  },
};

interface RawParameters {
  secret: Uint8Array;
  name: string;
  issuer: string;
  algorithm: number;
  digits: number;
  type: number;
  counter: string;
}

interface RawPayload {
  otpParameters: RawParameters[];
  version: number;
  batchSize: number;
  batchIndex: number;
  batchId: number;
}

/** One decoded migration URI: its accounts, the accounts it could not take, and its batch part. */
export interface MigrationPart {
  entries: ImportedEntry[];
  problems: ImportProblem[];
  batch: BatchPart | null;
}

export interface MigrationCodec {
  /**
   * Decodes one `otpauth-migration://` URI; `where` names it in messages ("line 3", "QR 1").
   * A bad account becomes a problem; a URI that is not a migration payload at all throws
   * InputError `invalid-migration`.
   */
  decode(uri: string, where: string): MigrationPart;
  /** One `otpauth-migration://offline?data=…` URI holding these entries as part `index` of `size`. */
  encode(entries: readonly GaFields[], batch: { id: number; index: number; size: number }): string;
}

/** The fields an export writes (an Entry fits). */
export type GaFields = Pick<EntryDraft, "type" | "secret" | "algorithm" | "digits" | "counter" | "period" | "issuer" | "account">;

const ALGORITHMS: Record<number, Algorithm> = { 0: "SHA1", 1: "SHA1", 2: "SHA256", 3: "SHA512" };
const ALGORITHM_ENUM: Record<Algorithm, number> = { SHA1: 1, SHA256: 2, SHA512: 3 };
const DIGITS: Record<number, number> = { 0: 6, 1: 6, 2: 8 };
const PREFIX = "otpauth-migration://";

let cached: Promise<MigrationCodec> | undefined;

/** Loads protobufjs (once) and returns the migration decoder/encoder. */
export function loadMigrationCodec(): Promise<MigrationCodec> {
  cached ??= loadPackage<{ default: Protobuf } & Protobuf>("protobufjs/light.js").then((m) => {
    const pb = m.default ?? m;
    return makeCodec(pb.Root.fromJSON(SCHEMA).lookupType("MigrationPayload"));
  });
  return cached;
}

function makeCodec(type: MessageType): MigrationCodec {
  return {
    decode(uri, where) {
      const bytes = payloadBytes(uri);
      // Two bytes make an (empty) account, and protobufjs makes an object of each: count first.
      if (countAccounts(bytes) > MAX_ENTRIES)
        throw new InputError(
          "too-large",
          `the otpauth-migration:// URI lists more than ${MAX_ENTRIES} accounts; a real export holds at most a few hundred`,
        );
      let raw: RawPayload;
      try {
        raw = type.toObject(type.decode(bytes), { longs: String, defaults: true, arrays: true }) as unknown as RawPayload;
      } catch {
        throw new InputError("invalid-migration", "the otpauth-migration:// URI holds no valid Google Authenticator payload");
      }
      const out: MigrationPart = { entries: [], problems: [], batch: null };
      raw.otpParameters.forEach((p, i) => {
        const at = raw.otpParameters.length > 1 ? `${where}, account ${i + 1}` : where;
        try {
          out.entries.push({ where: at, draft: toDraft(p), warnings: [] });
        } catch (err) {
          if (!(err instanceof OtpError)) throw err;
          out.problems.push({ where: at, reason: err.message });
        }
      });
      if (raw.otpParameters.length === 0) out.problems.push({ where, reason: "the Google Authenticator payload holds no accounts" });
      if (raw.batchSize > 1) out.batch = { id: String(raw.batchId), index: raw.batchIndex, size: raw.batchSize, where };
      return out;
    },
    encode(entries, batch) {
      const msg = type.fromObject({
        otpParameters: entries.map(fromEntry),
        version: 1,
        batchSize: batch.size,
        batchIndex: batch.index,
        batchId: batch.id,
      });
      const data = Buffer.from(type.encode(msg).finish()).toString("base64");
      return `${PREFIX}offline?data=${encodeURIComponent(data)}`;
    },
  };
}

/** The payload bytes of a migration URI. Throws InputError `invalid-migration`. */
function payloadBytes(uri: string): Uint8Array {
  const s = uri.trim();
  if (s.slice(0, PREFIX.length).toLowerCase() !== PREFIX) throw bad("not an otpauth-migration:// URI");
  const q = s.indexOf("?");
  const query = q < 0 ? "" : s.slice(q + 1).split("#")[0]!;
  // Not URLSearchParams: it reads "+" as a space, and exports with raw base64 are common.
  const values = query
    .split("&")
    .filter((kv) => kv.startsWith("data="))
    .map((kv) => kv.slice(5));
  if (values.length !== 1)
    throw bad(
      values.length
        ? "the otpauth-migration:// URI has more than one data parameter"
        : "the otpauth-migration:// URI has no data parameter",
    );
  let text: string;
  try {
    text = decodeURIComponent(values[0]!);
  } catch {
    throw bad("the otpauth-migration:// URI has broken percent-encoding");
  }
  // A space can only be a "+" that something read as form encoding; "-" and "_" are base64url.
  text = text.replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/").replace(/\s/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, "").length % 4 === 1 || text === "")
    throw bad("the otpauth-migration:// URI's data is not base64");
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** The accounts (field 1) a MigrationPayload lists, from its top-level fields alone; stops past MAX_ENTRIES. */
function countAccounts(b: Uint8Array): number {
  let at = 0;
  let n = 0;
  const varint = (): number => {
    for (let v = 0, mul = 1, i = 0; i < 10 && at < b.length; i++, mul *= 128) {
      const x = b[at++]!;
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
    }
    return -1;
  };
  // Anything malformed ends the count: protobufjs then says what is wrong.
  while (at < b.length && n <= MAX_ENTRIES) {
    const key = varint();
    if (key < 0) break;
    const wire = key % 8;
    if (wire === 0) {
      if (varint() < 0) break;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = varint();
      if (len < 0) break;
      if (Math.floor(key / 8) === 1) n++;
      at += len;
    } else break;
  }
  return n;
}

function bad(reason: string): InputError {
  return new InputError("invalid-migration", reason);
}

/**
 * One account as an EntryDraft. Google Authenticator keeps the whole label in `name`, so an
 * "Issuer:" in front of it that repeats the issuer is dropped; with no issuer the name is kept
 * whole (a colon there may be part of the name, as in "encoding: ¿äÄéÉ? (demo)").
 */
function toDraft(p: RawParameters): EntryDraft {
  const algorithm = ALGORITHMS[p.algorithm];
  if (algorithm === undefined)
    throw new InputError(
      "invalid-entry",
      p.algorithm === 4 ? "MD5 codes are not supported (only SHA1, SHA256, SHA512)" : `unknown algorithm value ${p.algorithm}`,
    );
  const digits = DIGITS[p.digits];
  if (digits === undefined) throw new InputError("invalid-entry", `unknown digits value ${p.digits}`);
  if (p.type !== 0 && p.type !== 1 && p.type !== 2)
    throw new InputError("invalid-entry", `unknown type value ${p.type} (1 is HOTP, 2 is TOTP)`);
  if (p.secret.length === 0) throw new InputError("invalid-secret", "the account has no secret");
  const issuer = p.issuer.trim();
  let account = p.name.trim();
  if (issuer !== "" && account.toLowerCase().startsWith(issuer.toLowerCase() + ":")) account = account.slice(issuer.length + 1).trim();
  const draft: EntryDraft = { issuer, account, type: p.type === 1 ? "hotp" : "totp", secret: encodeBase32(p.secret), algorithm, digits };
  if (draft.type === "hotp") {
    const counter = BigInt(p.counter);
    if (counter < 0n || counter > BigInt(MAX_COUNTER))
      throw new InputError("invalid-entry", `counter must be a whole number from ${COUNTER_RANGE}`);
    draft.counter = Number(counter);
  } else draft.period = DEFAULT_PERIOD;
  return checkDraft(draft);
}

function fromEntry(e: GaFields) {
  const why = gaUnsupported(e);
  if (why) throw new InputError("invalid-entry", why);
  return {
    secret: decodeBase32(normaliseSecret(e.secret)),
    name: e.account || e.issuer,
    issuer: e.issuer,
    algorithm: ALGORITHM_ENUM[e.algorithm],
    digits: e.digits === 8 ? 2 : 1,
    type: e.type === "hotp" ? 1 : 2,
    // Left out for TOTP (2 bytes an account): unset reads as 0 all the same.
    ...(e.type === "hotp" ? { counter: e.counter ?? 0 } : {}),
  };
}

/** Why Google Authenticator cannot hold this entry, or null when it can. */
export function gaUnsupported(e: Pick<GaFields, "type" | "digits" | "period">): string | null {
  if (e.type === "steam") return "Google Authenticator has no Steam Guard codes";
  if (e.digits !== 6 && e.digits !== 8) return `Google Authenticator has no ${e.digits}-digit codes (only 6 or 8)`;
  if (e.type === "totp" && (e.period ?? DEFAULT_PERIOD) !== DEFAULT_PERIOD)
    return `Google Authenticator has only 30-second codes, not ${e.period} s`;
  return null;
}

/**
 * Splits entries into batches, in order: at most `perBatch` accounts each (Google Authenticator
 * puts 10 in one code), and only as many as `fits` accepts the URI of (a QR code small enough
 * for the screen or a phone camera). An entry that does not fit even alone gets its own batch.
 */
export function planBatches<T extends GaFields>(
  codec: MigrationCodec,
  entries: readonly T[],
  fits: (uri: string) => boolean,
  perBatch = 10,
): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  for (const e of entries) {
    const next = [...cur, e];
    // Sized as the last of 99 parts with the longest positive batch id (exports draw positive
    // ids: a negative int32 takes 10 bytes of varint): every real part is at most as long.
    if (cur.length > 0 && (next.length > perBatch || !fits(codec.encode(next, { id: 2147483647, index: 98, size: 99 })))) {
      out.push(cur);
      cur = [e];
    } else cur = next;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * Notes for the batches that are incomplete, across every input: "batch 123: has parts 1, 3 of
 * 3; part 2 is missing". Parts are counted from 1, as Google Authenticator shows them.
 */
export function missingParts(parts: readonly BatchPart[]): string[] {
  const byId = new Map<string, { size: number; seen: Set<number> }>();
  for (const p of parts) {
    const b = byId.get(p.id) ?? { size: p.size, seen: new Set<number>() };
    b.size = Math.max(b.size, p.size);
    b.seen.add(p.index);
    byId.set(p.id, b);
  }
  const notes: string[] = [];
  for (const [id, b] of byId) {
    const missing = Array.from({ length: b.size }, (_, i) => i)
      .filter((i) => !b.seen.has(i))
      .map((i) => i + 1);
    if (missing.length === 0) continue;
    const list = missing.length > 12 ? `${missing.slice(0, 12).join(", ")}, …` : missing.join(", ");
    notes.push(
      `Google Authenticator export ${escapeForTerminal(id)} has ${b.size} QR codes and ${missing.length === 1 ? `QR code ${list} is` : `QR codes ${list} are`} missing: ` +
        `imported the accounts of the others; import the missing ${missing.length === 1 ? "one" : "ones"} too`,
    );
  }
  return notes;
}
