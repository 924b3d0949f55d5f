// The segmented payload of format minor 3 (format.ts is the specification): an index of the
// entries' names, issuers, accounts and types, the rest of the vault's content, and the entries
// themselves in chunks, each sealed on its own, so that finding one entry decrypts and parses
// the index and one chunk, not the whole vault. Every segment is authenticated with the header
// and bound to its place by its nonce; the index, itself authenticated, says how long each
// segment is and how many entries each chunk holds, so none can be swapped, dropped, replayed
// from an older copy or moved unnoticed.
import type { Entry } from "../entry.js";
import { VaultDamagedError } from "../errors.js";
import { isObject } from "../json.js";
import { columnsOf, type MatchColumns } from "../match.js";
import { pad, segmentCipher, textBytes, unpad, wipe } from "./crypto.js";
import { checkData, type VaultData } from "./model.js";

/** Entries per chunk at most, and the plaintext size past which a chunk is closed early. */
const CHUNK_ENTRIES = 64;
const CHUNK_BYTES = 16 * 1024;
const PAD_BLOCK = 256;
const TOTAL_BLOCK = 4096;
const TAG_BYTES = 16;
/** The 4-byte length of the index segment that starts `data`. */
const PREFIX_BYTES = 4;
/** The first minor whose payload is segmented. */
export const SEGMENTED_MINOR = 3;

/** What a reader needs to find an entry without opening the rest. */
export interface IndexEntry {
  name: string;
  issuer: string;
  account: string;
  type: Entry["type"];
  /** the entry's place in the vault's entries */
  at: number;
}

export interface VaultIndex {
  /** names, issuers and accounts for matching, without an object per entry */
  columns: MatchColumns;
  /** the index entry at `at` */
  row(at: number): IndexEntry;
  /** every index entry (built on first use) */
  readonly entries: IndexEntry[];
  /** The whole entry at `at`: opens its chunk (once). Throws VaultDamagedError. */
  entry(at: number): Entry;
}

const invalid = () => new VaultDamagedError("invalid-content", "vault content invalid");
const undecryptable = () =>
  new VaultDamagedError("corrupted", "vault data does not decrypt with this key (damaged, or the session belongs to another copy)");
const utf8 = (bytes: Uint8Array): string => {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalid();
  }
};
const json = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(); // V8 quotes input in its errors, and this input holds seeds
  }
};

/** An entry's JSON and that JSON's UTF-8 length: what the layout needs of it. */
export interface EntryJson {
  text: string;
  bytes: number;
}
export type EntryJsonOf = (e: Entry) => EntryJson;

/** Bytes of `s` in UTF-8, without encoding it. */
export const utf8Length = (s: string): number => Buffer.byteLength(s, "utf8");
const entryJson: EntryJsonOf = (e) => {
  const text = JSON.stringify(e);
  return { text, bytes: utf8Length(text) };
};

/**
 * entryJson, remembered per entry object: for a caller that sizes the same entries many times
 * (entriesThatFit's binary search over tens of thousands of them).
 */
export function rememberedEntryJson(): EntryJsonOf {
  const seen = new Map<Entry, EntryJson>();
  return (e) => {
    let j = seen.get(e);
    if (!j) seen.set(e, (j = entryJson(e)));
    return j;
  };
}

/** The entries, cut into chunks: at most CHUNK_ENTRIES each, closed early past CHUNK_BYTES (of JSON text). */
function chunksOf(entries: Entry[], json: EntryJsonOf): EntryJson[][] {
  const chunks: EntryJson[][] = [];
  let cur: EntryJson[] = [];
  let chars = 0;
  for (const e of entries) {
    const j = json(e);
    if (cur.length === CHUNK_ENTRIES || (cur.length > 0 && chars + j.text.length > CHUNK_BYTES))
      (chunks.push(cur), (cur = []), (chars = 0));
    cur.push(j);
    chars += j.text.length + 1;
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

/**
 * The segments' plaintexts before padding, index first (without its lengths: see sealSegments):
 * the rest of the vault's content, then each chunk as a JSON array of its entries' JSON.
 */
function layout(data: VaultData, json: EntryJsonOf = entryJson) {
  const chunks = chunksOf(data.entries, json);
  // The rest keeps data's member order: `entries` stays where it was, holding the count.
  const rest = JSON.stringify({ ...data, entries: data.entries.length });
  const column = (k: "name" | "issuer" | "account" | "type") => data.entries.map((e) => e[k] ?? null);
  return {
    columns: { name: column("name"), issuer: column("issuer"), account: column("account"), type: column("type") },
    counts: chunks.map((c) => c.length),
    rest,
    chunks,
  };
}

/** The segments after the index, as text: what sealSegments pads and seals. */
const segmentTexts = (l: ReturnType<typeof layout>): string[] => [l.rest, ...l.chunks.map((c) => `[${c.map((j) => j.text).join(",")}]`)];
/** Their UTF-8 lengths, computed from the entries' (`[`, the entries, a comma between each, `]`). */
const segmentBytes = (l: ReturnType<typeof layout>): number[] => [
  utf8Length(l.rest),
  ...l.chunks.map((c) => c.reduce((n, j) => n + j.bytes, c.length + 1)),
];
/** pad()'s length for `bytes` bytes: the next whole PAD_BLOCK, with at least one byte of padding. */
const paddedLength = (bytes: number): number => (Math.floor(bytes / PAD_BLOCK) + 1) * PAD_BLOCK;

const indexText = (l: ReturnType<typeof layout>, lengths: number[]) => JSON.stringify({ ...l.columns, chunks: l.counts, lengths });

/**
 * The index with ISO/IEC 7816-4 padding (0x80, then zeros) up to where the whole of `data`
 * fills a multiple of TOTAL_BLOCK bytes (minor 2's single payload filled 1 KiB blocks): the file's size shows
 * the number of entries only roughly.
 */
function padIndex(text: Uint8Array, others: number): Uint8Array {
  const out = new Uint8Array(paddedIndexLength(text.length, others));
  out.set(text);
  out[text.length] = 0x80;
  return out;
}

/** padIndex's length for an index text of `bytes` bytes followed by `others` bytes of sealed segments. */
function paddedIndexLength(bytes: number, others: number): number {
  const used = PREFIX_BYTES + bytes + 1 + TAG_BYTES + others;
  return bytes + 1 + ((TOTAL_BLOCK - (used % TOTAL_BLOCK)) % TOTAL_BLOCK);
}

/** padIndex undone: null when the padding is malformed. */
function unpadIndex(data: Uint8Array): Uint8Array | null {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80 || data.length - i > TOTAL_BLOCK) return null;
  return data.subarray(0, i);
}

/** `data` of a minor-3 file: the index's length, then the sealed index, rest and chunks. */
export function sealSegments(payloadKey: Uint8Array, nonce: Uint8Array, ad: Uint8Array, data: VaultData): Uint8Array {
  const l = layout(data);
  const segments = segmentTexts(l).map((s) => pad(textBytes(s), PAD_BLOCK));
  const c = segmentCipher(payloadKey, nonce);
  try {
    const sealed = segments.map((s, i) => c.seal(i + 1, s, ad));
    const others = sealed.reduce((n, s) => n + s.length, 0);
    const index = c.seal(
      0,
      padIndex(
        textBytes(
          indexText(
            l,
            sealed.map((s) => s.length),
          ),
        ),
        others,
      ),
      ad,
    );
    const out = new Uint8Array(PREFIX_BYTES + index.length + others);
    new DataView(out.buffer).setUint32(0, index.length, true);
    out.set(index, PREFIX_BYTES);
    let at = PREFIX_BYTES + index.length;
    for (const s of sealed) (out.set(s, at), (at += s.length));
    wipe(...segments);
    return out;
  } finally {
    c.wipe();
  }
}

/**
 * Bytes of `data` sealSegments would make (for the size cap), without sealing or padding:
 * lengths only, from each entry's JSON (`json` may remember it between calls).
 */
export function segmentedSize(data: VaultData, json: EntryJsonOf = entryJson): number {
  const l = layout(data, json);
  const lengths = segmentBytes(l).map((n) => paddedLength(n) + TAG_BYTES);
  const others = lengths.reduce((a, b) => a + b, 0);
  return PREFIX_BYTES + paddedIndexLength(utf8Length(indexText(l, lengths)), others) + TAG_BYTES + others;
}

interface Index {
  columns: { name: string[]; issuer: (string | null)[]; account: (string | null)[]; type: string[] };
  counts: number[];
  /** where each segment after the index starts in `data`, and where the last ends */
  offsets: number[];
  /** the index text is ASCII without \u escapes: every name, issuer and account is ASCII */
  ascii: boolean;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const strings = (v: unknown, n: number, nullable: boolean): boolean =>
  Array.isArray(v) && v.length === n && v.every((s) => typeof s === "string" || (nullable && s === null));

/** Opens and checks the index: `read(start, end)` gives bytes of `data`, `length` is its size. */
function openIndexSegment(
  c: ReturnType<typeof segmentCipher>,
  ad: Uint8Array,
  read: (s: number, e: number) => Uint8Array,
  length: number,
): Index {
  if (length < PREFIX_BYTES + TAG_BYTES) throw undecryptable();
  const head = read(0, PREFIX_BYTES);
  const indexLen = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
  if (PREFIX_BYTES + indexLen > length) throw undecryptable();
  const plain = c.open(0, read(PREFIX_BYTES, PREFIX_BYTES + indexLen), ad);
  if (!plain) throw undecryptable();
  const text = unpadIndex(plain);
  if (!text) throw invalid();
  const str = utf8(text);
  const o = json(str);
  if (!isObject(o)) throw invalid();
  const keys = Object.keys(o);
  const want = ["name", "issuer", "account", "type", "chunks", "lengths"];
  if (keys.length !== want.length || !want.every((k) => keys.includes(k))) throw invalid();
  const { chunks, lengths } = o;
  if (
    !Array.isArray(chunks) ||
    !chunks.every((n) => isCount(n) && n > 0) ||
    !Array.isArray(lengths) ||
    lengths.length !== chunks.length + 1
  )
    throw invalid();
  const n = (chunks as number[]).reduce((a, b) => a + b, 0);
  if (!strings(o.name, n, false) || !strings(o.issuer, n, true) || !strings(o.account, n, true) || !strings(o.type, n, false))
    throw invalid();
  const offsets = [PREFIX_BYTES + indexLen];
  for (const l of lengths) {
    if (!isCount(l) || l < TAG_BYTES) throw invalid();
    offsets.push(offsets[offsets.length - 1]! + l);
  }
  // The index covers `data` to its last byte: nothing missing, nothing added.
  if (offsets[offsets.length - 1] !== length) throw undecryptable();
  const ascii = str.length === text.length && !str.includes("\\u");
  return { columns: o as unknown as Index["columns"], counts: chunks as number[], offsets, ascii };
}

function openSegment(
  c: ReturnType<typeof segmentCipher>,
  ad: Uint8Array,
  read: (s: number, e: number) => Uint8Array,
  ix: Index,
  j: number,
): unknown {
  const plain = c.open(j, read(ix.offsets[j - 1]!, ix.offsets[j]!), ad);
  if (!plain) throw undecryptable();
  const text = unpad(plain, PAD_BLOCK);
  if (!text) throw invalid();
  return json(utf8(text));
}

/** Chunk k's entries, checked against the index (k from 0; entries from `first`). */
function openChunk(
  c: ReturnType<typeof segmentCipher>,
  ad: Uint8Array,
  read: (s: number, e: number) => Uint8Array,
  ix: Index,
  k: number,
  first: number,
): Entry[] {
  const list = openSegment(c, ad, read, ix, k + 2);
  if (!Array.isArray(list) || list.length !== ix.counts[k]) throw invalid();
  list.forEach((e, i) => {
    const { name, issuer, account, type } = ix.columns;
    if (
      !isObject(e) ||
      e.name !== name[first + i] ||
      (e.issuer ?? null) !== issuer[first + i] ||
      (e.account ?? null) !== account[first + i] ||
      e.type !== type[first + i]
    )
      throw invalid();
  });
  return list as Entry[];
}

/** The whole content of a minor-3 payload, checked as parseData checks a minor-2 one. */
export function openSegments(payloadKey: Uint8Array, nonce: Uint8Array, ad: Uint8Array, bytes: Uint8Array): VaultData {
  const read = (s: number, e: number) => bytes.subarray(s, e);
  const c = segmentCipher(payloadKey, nonce);
  try {
    const ix = openIndexSegment(c, ad, read, bytes.length);
    const rest = openSegment(c, ad, read, ix, 1);
    if (!isObject(rest) || rest.entries !== ix.columns.name.length) throw invalid();
    const entries: Entry[] = [];
    for (let k = 0, first = 0; k < ix.counts.length; first += ix.counts[k]!, k++)
      for (const e of openChunk(c, ad, read, ix, k, first)) entries.push(e);
    return checkData({ ...rest, entries });
  } finally {
    c.wipe();
  }
}

/**
 * The index of a minor-3 payload, opening only what is asked for: `read(start, end)` gives the
 * bytes of `data` (a reader may decode just those), `length` its size. The key is copied, and
 * wiped when the process no longer holds the index.
 */
export function openIndex(
  payloadKey: Uint8Array,
  nonce: Uint8Array,
  ad: Uint8Array,
  read: (s: number, e: number) => Uint8Array,
  length: number,
): VaultIndex {
  const c = segmentCipher(payloadKey, nonce);
  let ix: Index;
  try {
    ix = openIndexSegment(c, ad, read, length);
  } catch (err) {
    c.wipe();
    throw err;
  }
  const { name, issuer, account, type } = ix.columns;
  const row = (i: number): IndexEntry => ({
    name: name[i]!,
    issuer: issuer[i] ?? "",
    account: account[i] ?? "",
    type: type[i] as Entry["type"],
    at: i,
  });
  let entries: IndexEntry[] | undefined;
  const opened = new Map<number, Entry[]>();
  return {
    columns: {
      length: name.length,
      name: (i) => name[i]!,
      issuer: (i) => issuer[i] ?? "",
      account: (i) => account[i] ?? "",
      ascii: ix.ascii,
    },
    row,
    get entries() {
      return (entries ??= name.map((_, i) => row(i)));
    },
    entry(at: number): Entry {
      if (!Number.isSafeInteger(at) || at < 0 || at >= name.length) throw new RangeError("no such entry");
      let k = 0;
      let first = 0;
      while (first + ix.counts[k]! <= at) first += ix.counts[k++]!;
      if (!opened.has(k)) opened.set(k, openChunk(c, ad, read, ix, k, first));
      return checkData({ entries: [opened.get(k)![at - first]], tombstones: [], meta: {} }).entries[0]!;
    },
  };
}

/** The index of entries already open (a file older than minor 3, opened whole). */
export function indexOfEntries(entries: Entry[]): VaultIndex {
  const row = (at: number): IndexEntry => {
    const e = entries[at]!;
    return { name: e.name, issuer: e.issuer, account: e.account, type: e.type, at };
  };
  let all: IndexEntry[] | undefined;
  return {
    columns: columnsOf(entries),
    row,
    get entries() {
      return (all ??= entries.map((_, at) => row(at)));
    },
    entry: (at) => entries[at]!,
  };
}
