// The vault file format, version 1 (minor 3). This comment is the specification.
//
// One UTF-8 JSON object on one line, then "\n". Members in this order:
//   format  "otpvault"                 version  1 (major)         minor  3 (0 before key generations;
//           1 was never written by an otp: a test fixture stands for "a later 1.x" of minor 0's time;
//           2 had key generations and one sealed payload; 3 seals the payload in segments)
//   vaultId 32 hex chars (16 random bytes, fixed for the life of the vault)
//   slots   1 to 8 key slots; each wraps the master key of the vault's current key generation:
//     password: {"id":hex32,"kind":"password","kdf":{"name":"argon2id13","ops":N,"mem":BYTES,
//                "salt":b64(16)},"nonce":b64(24),"wrapped":b64(48)}
//               KEK = Argon2id13(UTF-8 of the NFC password, salt, ops, mem) → 32 bytes;
//               ops 1..10, mem 8 KiB..1 GiB and a multiple of 1024, checked before the KDF runs,
//               and Σ ops × mem over all password slots ≤ 10 × 1 GiB: one unlock attempt never
//               costs more than one slot at the caps (MAX_KDF_WORK).
//     recovery-box (minor 2): {"id":hex32,"kind":"recovery-box","salt":b64(16),"pk":b64(32),
//                "nonce":b64(24),"macKey":b64(48),"sealed":b64(80),"mac":b64(32)}
//               A public-key slot, so that a key change can re-wrap it without the recovery key.
//               From the printed recovery key's bytes (recovery-key.ts) and the slot's salt:
//                 seed   = HKDF-SHA256(key bytes, salt, "otp-vault/v1/recovery-box/seed", 32)
//                 macKey = HKDF-SHA256(key bytes, salt, "otp-vault/v1/recovery-box/mac", 32)
//                 (pk, sk) = libsodium crypto_box_seed_keypair(seed); pk is stored.
//               sealed = crypto_box_seal(master key, pk).
//               macKey (stored) = XChaCha20-Poly1305(HKDF-SHA256(master key, "", "otpvault/v1/
//                 recovery-mac", 32), nonce, macKey, ad = "otp-vault/v1/recovery-mac" ‖ 0x00 ‖
//                 vaultId ‖ 0x00 ‖ slot id ‖ 0x00 ‖ pk): the master key carries it from one
//                 generation to the next.
//               mac = HMAC-SHA256(macKey, box AD ‖ generation as 8 bytes little-endian ‖ sealed):
//                 anyone can seal a key to pk, but only the recovery key or this vault's master
//                 key can make the mac, so a file forged around another master key does not
//                 open with the recovery key.
//               box AD = "otp-vault/v1/slot" ‖ 0x00 ‖ vaultId ‖ 0x00 ‖ canonical(slot without
//                 "sealed" and "mac").
//     recovery (minor 0, still read): {"id":hex32,"kind":"recovery","salt":b64(16),
//               "nonce":b64(24),"wrapped":b64(48)}, KEK = HKDF-SHA256(recovery key bytes, salt,
//               info = "otp-vault/v1/recovery", 32). A key change cannot re-wrap it (the key is
//               not at hand) unless the vault was opened with the recovery key: then it becomes
//               a recovery-box slot; otherwise it is dropped, and otp says so.
//     any other kind: skipped when unlocking, written back exactly as read (a key change, which
//               cannot re-wrap it, drops it).
//     password and recovery wraps: wrapped = XChaCha20-Poly1305(KEK, nonce, master key,
//               ad = "otp-vault/v1/slot" ‖ 0x00 ‖ vaultId ‖ 0x00 ‖ canonical(slot without "wrapped"))
//   cipher  "xchacha20poly1305-ietf"
//   nonce   b64(24), fresh for every write
//   ext     extensions, kept verbatim by readers that do not know them. Minor 2 defines
//           "generation": the key generation, a whole number ≥ 1 (1 for a new vault; 0, its
//           absence, for an older file). `otp passwd` and `otp recovery-key new` draw a new
//           master key, re-encrypt `data`, re-wrap every slot that stays and add one to it, so
//           an old copy opened with an old secret opens nothing written later. It is part of the
//           header, hence authenticated; sync never takes a copy whose generation is older
//           than one this machine has seen on the remote, and sessions are bound to it.
//   data    minor 3: b64(u32le(length of S0) ‖ S0 ‖ S1 ‖ … ‖ Sk), the payload in segments, each
//           sealed on its own so that a reader finds one entry without decrypting the rest:
//             Sj = XChaCha20-Poly1305(payload key, nonce ⊕ (0¹⁶ ‖ u64le(j)), plaintext j, ad = header)
//           (segment 0's nonce is the header's nonce itself; every segment has its own).
//           S0, the index: UTF-8 JSON {"name":[…],"issuer":[…],"account":[…],"type":[…],
//             "chunks":[c1,…,cm],"lengths":[|S1|,…,|Sk|]} (k = m + 1): the entries' names,
//             issuers, accounts (null where absent) and types in the entries' order; how many
//             entries each chunk holds (each ≥ 1, together all of them); each further segment's
//             sealed length. Padded (0x80 then zeros, at most 4 KiB) so that the whole of
//             `data` is a multiple of 4 KiB: the segments' own padding and tags take room that
//             minor 2's 1 KiB blocks had, and the size still shows the entry count only roughly.
//           S1, the rest: pad256(UTF-8 JSON of the content with `entries` replaced by their count,
//             in its place): tombstones, meta, priorKeys and members this otp does not know.
//           S2…Sk, the chunks: pad256(UTF-8 JSON array of the entries, in order): at most 64
//             entries, closed early past 16 KiB. A chunk's entries must have the index's name,
//             issuer, account and type.
//           pad256 is ISO/IEC 7816-4 padding to a multiple of 256 bytes. The index covers `data`
//           to its last byte. So nothing can be swapped, dropped, added or replayed from an
//           older copy: a segment opens only under this file's nonce (fresh at every write), at
//           its own place, with this header; the authenticated index fixes how many there are
//           and how long each is. The whole content, opened, is checked as minor 2's is.
//           payload key = HKDF-SHA256(master key, salt = "", info = "otpvault/v1/payload", 32);
//           header = canonical(envelope without "data" and "checksum"), so every header byte
//           (version, slots, KDF parameters, nonce, ext, the generation) is authenticated with
//           each segment.
//           minor 0 to 2: b64(XChaCha20-Poly1305(payload key, nonce, pad1024(UTF-8 JSON of the
//           content), ad = header)), one sealed payload; still read. A minor-2 file becomes
//           minor 3 at its next write; a minor-0 file when a key change gives it a generation.
//   checksum b64(BLAKE2b-512(canonical(envelope without "checksum") + "\n")), unkeyed: tells a
//           damaged or truncated file (exit 5) from a wrong password (exit 4) before any KDF.
//           A reader that has the key already (a session) and opens only the index and one
//           chunk of a minor-3 file (parseHeaderOnly) checks it only when the key or a segment
//           fails, to name the damage; damage in a part it did not open is found by the next
//           read of the whole (any change, list --json, backup, sync, verify).
//
// Canonical form: JSON.stringify of the members in the order above, no whitespace, base64
// with padding (RFC 4648 §4), integers only; objects whose members are not fixed here (ext,
// unknown slots) have their keys sorted and are at most 16 levels deep. A file must
// re-serialize to its own bytes, so duplicate keys, reordered keys, "1.0", CRLF or another
// base64 variant are "corrupted", never half-accepted; bytes after the final "}\n" are
// "trailing data". Files over 16 MiB are refused unread.
//
// A newer `version` is refused (exit 5, file untouched); a newer `minor` opens read-only, so an
// otp that knows minor 0 reads a minor-2 vault (its recovery-box slot is an unknown kind to it)
// and refuses to change it. An otp that knows minor 2 opens a minor-3 file read-only too, but
// its payload does not open as one sealed payload, so it says the data does not decrypt
// (exit 5) and writes nothing; its sync refuses the newer minor by name. Minor-0 vaults keep
// their minor until their first key change.
import { VaultDamagedError } from "../errors.js";
import { isObject, sortKeys } from "../json.js";
import { ARGON2_LIMITS } from "./kdf.js";
import { NONCE_BYTES, WRAPPED_BYTES, asBytes, blake2b512, textBytes } from "./crypto.js";

export const FORMAT_NAME = "otpvault";
export const FORMAT_VERSION = 1;
export const FORMAT_MINOR = 3;
/** Σ ops × mem over a file's password slots: one slot at the caps (10 passes over 1 GiB). */
export const MAX_KDF_WORK = 10 * 1024 * 1024 * 1024;
const MAX_DEPTH = 16;
export const CIPHER = "xchacha20poly1305-ietf";
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
export const MAX_SLOTS = 8;
export const SALT_BYTES = 16;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface PasswordSlot {
  kind: "password";
  id: string;
  kdf: { name: "argon2id13"; ops: number; mem: number; salt: Uint8Array };
  nonce: Uint8Array;
  wrapped: Uint8Array;
}
export interface RecoverySlot {
  kind: "recovery";
  id: string;
  salt: Uint8Array;
  nonce: Uint8Array;
  wrapped: Uint8Array;
}
/** A slot kind this otp does not know: never opened, written back exactly as read. */
export interface UnknownSlot {
  kind: "unknown";
  id: string;
  raw: JsonObject;
}
/** The public-key recovery slot (minor 2): re-wrappable without the recovery key. */
export interface RecoveryBoxSlot {
  kind: "recovery-box";
  id: string;
  salt: Uint8Array;
  pk: Uint8Array;
  nonce: Uint8Array;
  macKey: Uint8Array;
  sealed: Uint8Array;
  mac: Uint8Array;
}
export type Slot = PasswordSlot | RecoverySlot | RecoveryBoxSlot | UnknownSlot;

export const BOX_PK_BYTES = 32;
export const BOX_SEALED_BYTES = 32 + 48;
export const MAC_BYTES = 32;

/** The vault's key generation (ext.generation; 0 for a minor-0 file without one). */
export function generationOf(env: { ext: JsonObject }): number {
  const g = env.ext.generation;
  return typeof g === "number" ? g : 0;
}

/** env at key generation g (and at least minor 2, which defines generations). */
export function withGeneration(env: Envelope, g: number): Envelope {
  return { ...env, minor: Math.max(env.minor, 2), ext: { ...env.ext, generation: g } };
}

export interface Envelope {
  version: number;
  minor: number;
  vaultId: string;
  slots: Slot[];
  nonce: Uint8Array;
  ext: JsonObject;
  data: Uint8Array;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/** A slot as JSON, in canonical member order; `withWrapped: false` gives the slot's AD part. */
export function slotJson(slot: Slot, withWrapped = true): JsonObject {
  if (slot.kind === "unknown") return sortKeys(slot.raw) as JsonObject;
  if (slot.kind === "recovery-box") {
    const head: JsonObject = {
      id: slot.id,
      kind: "recovery-box",
      salt: b64(slot.salt),
      pk: b64(slot.pk),
      nonce: b64(slot.nonce),
      macKey: b64(slot.macKey),
    };
    if (withWrapped) ((head.sealed = b64(slot.sealed)), (head.mac = b64(slot.mac)));
    return head;
  }
  const head: JsonObject =
    slot.kind === "password"
      ? { id: slot.id, kind: "password", kdf: { name: slot.kdf.name, ops: slot.kdf.ops, mem: slot.kdf.mem, salt: b64(slot.kdf.salt) } }
      : { id: slot.id, kind: "recovery", salt: b64(slot.salt) };
  head.nonce = b64(slot.nonce);
  if (withWrapped) head.wrapped = b64(slot.wrapped);
  return head;
}

function headerJson(env: Envelope): JsonObject {
  return {
    format: FORMAT_NAME,
    version: env.version,
    minor: env.minor,
    vaultId: env.vaultId,
    slots: env.slots.map((s) => slotJson(s)),
    cipher: CIPHER,
    nonce: b64(env.nonce),
    ext: sortKeys(env.ext) as JsonObject,
  };
}

/** The associated data that binds the header to `data`. */
export function headerAD(env: Envelope): Uint8Array {
  return textBytes(JSON.stringify(headerJson(env)));
}

/** The AD of one slot's key wrap. */
export function slotAD(vaultId: string, slot: Slot): Uint8Array {
  return textBytes(`otp-vault/v1/slot\0${vaultId}\0${JSON.stringify(slotJson(slot, false))}`);
}

/** The canonical JSON of everything but the checksum. */
function canonicalBody(env: Envelope): string {
  return JSON.stringify({ ...headerJson(env), data: b64(env.data) });
}

/** The file's bytes, in canonical form with its checksum. */
export function serializeEnvelope(env: Envelope): Uint8Array {
  const body = canonicalBody(env);
  const sum = b64(blake2b512(textBytes(body + "\n")));
  return textBytes(`${body.slice(0, -1)},"checksum":"${sum}"}\n`);
}

const VAULT_PREFIX = `{"format":"${FORMAT_NAME}",`;
const damaged = (kind: string, why: string) => new VaultDamagedError(kind, why);
const corrupted = (why: string) => damaged("corrupted", `vault file is damaged (${why})`);

/** Recognises files people point otp at by mistake, for the not-a-vault hint. */
function guessOtherFormat(bytes: Uint8Array, text: string): string | null {
  if (bytes[0] === 0x03 && bytes[1] === 0xd9 && bytes[2] === 0xa2 && bytes[3] === 0x9a) return "a KeePass (KDBX) database";
  if (text.startsWith("age-encryption.org/")) return "an age-encrypted file";
  if (/^\s*\{/.test(text) && text.includes('"db"') && text.includes('"header"')) return "an Aegis export: use `otp import`";
  if (text.startsWith("otpauth://") || text.startsWith("otpauth-migration://")) return "a list of otpauth URIs: use `otp import`";
  return null;
}

/**
 * Parses and checks a vault file without any key: size, checksum, structure, caps and
 * canonical form. Throws VaultDamagedError (`not-a-vault`, `corrupted`, `newer-version`,
 * `unsafe-kdf-params`). Never runs a KDF. `readOnly` is set for a newer minor.
 */
export function parseEnvelope(bytes: Uint8Array): { envelope: Envelope; readOnly: boolean } {
  const buf = vaultBuffer(bytes);
  const bodyEnd = checkChecksum(buf);
  const { envelope, header, dataStart } = parseHeader(buf, bodyEnd);
  const dataText = buf.subarray(dataStart, bodyEnd - 1).toString("latin1");
  envelope.data = base64(dataText, "data");
  if (envelope.data.length < 16) throw corrupted("data too short");
  // Canonical form: the header re-serializes to its own text and `data` is canonical base64;
  // the checksum already pinned every byte, so this is the whole check.
  if (JSON.stringify(headerJson(envelope)) !== header || !canonicalBase64(buf.subarray(dataStart, bodyEnd - 1), dataText, envelope.data))
    throw corrupted("not in canonical form");
  return { envelope, readOnly: envelope.minor > FORMAT_MINOR };
}

/** `data` of a file read by parseHeaderOnly: its base64 characters, decoded a range at a time. */
export interface DataText {
  /** decoded bytes of `data`, without decoding the rest */
  length: number;
  read(start: number, end: number): Uint8Array;
}

/** A vault file read a range at a time (io's positioned reads), or bytes already in memory. */
export interface FileRanges {
  size: number;
  /** the file's bytes [start, end) */
  read(start: number, end: number): Uint8Array;
}

/** How much of the file is read first to find the header: a usual header is under 1 KiB. */
const FIRST_READ = 64 * 1024;

/**
 * The header of a vault file, checked as parseEnvelope checks it (size, structure, caps, the
 * header's canonical form), without its checksum and without reading or decoding `data`: for a
 * reader that holds the key already (a session) and opens only what it needs of a minor-3
 * payload, which authenticates the header and what it opens. It reads the file's first bytes,
 * its last 104 (the checksum member) and then only the ranges of `data` asked for. Whoever gets
 * an error from it, the key or the payload runs checkIntegrity on the whole file first, so
 * that damage is still named as such.
 */
export function parseHeaderOnly(file: Uint8Array | FileRanges): { envelope: Envelope; readOnly: boolean; data: DataText } {
  const src: FileRanges = file instanceof Uint8Array ? { size: file.length, read: (s, e) => file.subarray(s, e) } : file;
  const bytes = (s: number, e: number) => {
    const b = src.read(s, e);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  };
  const bodyEnd = src.size - SUFFIX_BYTES;
  vaultBuffer(bytes(0, Math.min(src.size, FIRST_READ)), src.size);
  if (bodyEnd <= 0 || !SUFFIX.test(bytes(bodyEnd, src.size).toString("latin1"))) throw corrupted("truncated");
  // The last two characters of `data` and its closing quote.
  const tail = bytes(Math.max(0, bodyEnd - 3), bodyEnd);
  if (tail[tail.length - 1] !== 0x22) throw corrupted("unexpected members");
  // `data` is the body's last member: its `,"data":"` is the first one that no `"` follows in
  // what was read (base64 has none; one inside `ext` is followed by its own closing quote), as
  // dataMemberAt finds it in a whole file. Read more only for a huge `ext`.
  let head: ReturnType<typeof parseHeaderAt> | null = null;
  for (let n = Math.min(src.size, FIRST_READ); !head; n = Math.min(src.size, n * 4)) {
    const buf = bytes(0, n);
    const whole = n === src.size;
    for (let c = buf.indexOf(DATA_MEMBER); c >= 0 && c < bodyEnd; c = buf.indexOf(DATA_MEMBER, c + 1)) {
      const quote = buf.indexOf(0x22, c + DATA_MEMBER.length);
      if (quote >= 0 && quote < bodyEnd - 1) continue;
      // No quote up to the end of what was read: `data`, unless one in `ext` closes further on.
      if (whole) head = parseHeaderAt(buf, c);
      else
        try {
          head = parseHeaderAt(buf, c);
        } catch (err) {
          if (!(err instanceof VaultDamagedError)) throw err;
        }
      break;
    }
    if (!head && whole) throw corrupted("unexpected members");
  }
  const { envelope, header, dataStart } = head;
  if (JSON.stringify(headerJson(envelope)) !== header) throw corrupted("not in canonical form");
  const chars = bodyEnd - 1 - dataStart;
  const pads = chars > 0 && tail[1] === 0x3d ? (tail[0] === 0x3d ? 2 : 1) : 0;
  if (chars < 0 || chars % 4 !== 0) throw corrupted("bad data");
  const length = (chars / 4) * 3 - pads;
  const read = (start: number, end: number): Uint8Array => {
    // base64 turns every 3 bytes into 4 characters: decode the whole groups that hold the range.
    const from = Math.floor(start / 3);
    const range = bytes(dataStart + from * 4, dataStart + Math.ceil(end / 3) * 4);
    const text = range.toString("latin1");
    const out = base64(text, "data");
    if (!canonicalBase64(range, text, out)) throw corrupted("not in canonical form");
    return out.subarray(start - from * 3, end - from * 3);
  };
  if (length < 16) throw corrupted("data too short");
  return { envelope, readOnly: envelope.minor > FORMAT_MINOR, data: { length, read } };
}

/** The checksum's verdict on a file parseHeaderOnly read: the damage it finds, or null. */
export function checkIntegrity(bytes: Uint8Array): VaultDamagedError | null {
  try {
    parseEnvelope(bytes);
    return null;
  } catch (err) {
    if (err instanceof VaultDamagedError) return err;
    throw err;
  }
}

/** The file's first bytes (or all of them) checked: not empty, not too big, a vault, not a newer major. */
function vaultBuffer(bytes: Uint8Array, size = bytes.length): Buffer {
  if (size === 0) throw damaged("corrupted", "vault file is empty (corrupted)");
  if (size > MAX_FILE_BYTES) throw corrupted("larger than 16 MiB");
  // Works on the bytes: a vault is mostly `data`, and decoding, parsing and re-serializing
  // megabytes of base64 as strings cost a 10,000-entry vault ~80 ms.
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, PREFIX.length).equals(PREFIX)) {
    const other = guessOtherFormat(bytes, new TextDecoder().decode(bytes.subarray(0, 64 * 1024)));
    throw new VaultDamagedError("not-a-vault", "not an otp vault", other ? [`it looks like ${other}`] : []);
  }
  // A newer major is named as such, whatever else it changed.
  const v = /^\{"format":"otpvault","version":(\d{1,9}),/.exec(buf.subarray(0, 64).toString("latin1"));
  if (v && Number(v[1]) > FORMAT_VERSION)
    throw new VaultDamagedError(
      "newer-version",
      `vault was written by a newer otp (format ${v[1]}); this otp reads format ${FORMAT_VERSION}`,
      ["upgrade otp"],
    );
  return buf;
}

/**
 * Where the last `,"data":"` before bodyEnd starts, or -1: the first one from the start that no
 * `"` follows before bodyEnd − 1 (base64 has none). Searching back from the end instead costs a
 * 10,000-entry vault ~30 ms; one byte searched forward, ~1 ms.
 */
function dataMemberAt(buf: Buffer, bodyEnd: number): number {
  for (let at = buf.indexOf(DATA_MEMBER); at >= 0 && at < bodyEnd; at = buf.indexOf(DATA_MEMBER, at + 1)) {
    const quote = buf.indexOf(0x22, at + DATA_MEMBER.length);
    if (quote < 0 || quote >= bodyEnd - 1) return at;
  }
  return -1;
}

/** The header (all but `data`, parsed and checked) and where `data`'s characters start. */
function parseHeader(buf: Buffer, bodyEnd: number): { envelope: Envelope; header: string; dataStart: number } {
  // `data` is the body's last member, so it is cut out by position and only the small header
  // goes through JSON.parse.
  const at = dataMemberAt(buf, bodyEnd);
  if (at < 0 || buf[bodyEnd - 1] !== 0x22) throw corrupted("unexpected members");
  return parseHeaderAt(buf, at);
}

/** The header as the bytes before `at` (where `,"data":"` starts) give it. */
function parseHeaderAt(buf: Buffer, at: number): { envelope: Envelope; header: string; dataStart: number } {
  let header: string;
  try {
    header = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf.subarray(0, at)) + "}";
  } catch {
    throw corrupted("not valid UTF-8");
  }
  let obj: unknown;
  try {
    obj = JSON.parse(header);
  } catch {
    throw corrupted("corrupted or truncated");
  }
  if (!isObject(obj)) throw corrupted("corrupted or truncated");
  return { envelope: envelopeFromJson(obj), header, dataStart: at + DATA_MEMBER.length };
}

/**
 * Whether `text` (whose bytes are `chars`) is canonical base64 of `decoded` without encoding it
 * again (16 ms for a 4 MB `data`): Node's decoder skips characters outside the alphabet and
 * stops at "=", so a full length means none was there, except the URL-safe "-" and "_" it also
 * takes; and the last group must have its unused bits zero.
 */
function canonicalBase64(chars: Buffer, text: string, decoded: Uint8Array): boolean {
  if (text.length % 4 !== 0) return false;
  const pads = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (decoded.length !== (text.length / 4) * 3 - pads || chars.indexOf(0x2d) >= 0 || chars.indexOf(0x5f) >= 0) return false;
  const lastGroup = decoded.subarray(Math.max(0, Math.ceil(decoded.length / 3) * 3 - 3));
  return text.length === 0 || b64(lastGroup) === text.slice(-4);
}

const PREFIX = Buffer.from(VAULT_PREFIX, "latin1");
const DATA_MEMBER = Buffer.from(',"data":"', "latin1");
const CHECKSUM_MEMBER = Buffer.from(',"checksum":"', "latin1");
/** `,"checksum":"` + 88 base64 characters + `"}\n` */
const SUFFIX_BYTES = 13 + 88 + 3;
const CLOSE = textBytes("}\n");
const SUFFIX = /^,"checksum":"[A-Za-z0-9+/]{86}=="\}\n$/;

/** Checks the checksum in the file's last bytes; returns where the body it covers ends. */
function checkChecksum(buf: Buffer): number {
  const bodyEnd = buf.length - SUFFIX_BYTES;
  const m = bodyEnd > 0 ? /^,"checksum":"([A-Za-z0-9+/]{86}==)"\}\n$/.exec(buf.subarray(bodyEnd).toString("latin1")) : null;
  if (!m) {
    refuseTrailingData(buf);
    throw corrupted(buf[buf.length - 1] === 0x0a ? "checksum missing" : "truncated");
  }
  if (b64(blake2b512(buf.subarray(0, bodyEnd), CLOSE)) !== m[1]) {
    refuseTrailingData(buf);
    throw corrupted("checksum mismatch");
  }
  return bodyEnd;
}

/** A whole vault followed by more bytes (appended by a tool, two copies joined) is named as such. */
function refuseTrailingData(buf: Buffer): void {
  const at = buf.indexOf(CHECKSUM_MEMBER);
  const end = at + SUFFIX_BYTES;
  if (
    at > 0 &&
    end < buf.length &&
    /^,"checksum":"[A-Za-z0-9+/]{86}=="\}\n$/.test(buf.subarray(at, end).toString("latin1")) &&
    b64(blake2b512(buf.subarray(0, at), CLOSE)) === buf.subarray(at + 13, at + 13 + 88).toString("latin1")
  )
    throw corrupted(`${buf.length - end} byte${buf.length - end === 1 ? "" : "s"} of trailing data after the vault`);
}

const HEADER_KEYS = ["format", "version", "minor", "vaultId", "slots", "cipher", "nonce", "ext"];

function envelopeFromJson(o: Record<string, unknown>): Envelope {
  const keys = Object.keys(o);
  if (keys.length !== HEADER_KEYS.length || !HEADER_KEYS.every((k) => keys.includes(k))) throw corrupted("unexpected members");
  if (o.version !== FORMAT_VERSION) throw corrupted("bad version");
  if (!isUint(o.minor)) throw corrupted("bad minor version");
  if (o.cipher !== CIPHER) throw corrupted(`unknown cipher`);
  const vaultId = hexId(o.vaultId, "vaultId");
  if (!Array.isArray(o.slots) || o.slots.length < 1 || o.slots.length > MAX_SLOTS) throw corrupted("must have 1 to 8 key slots");
  const slots = o.slots.map(slotFromJson);
  if (new Set(slots.map((s) => s.id)).size !== slots.length) throw corrupted("duplicate slot ids");
  if (!slots.some((s) => s.kind !== "unknown")) throw corrupted("no key slot this otp can open");
  const work = slots.reduce((n, s) => n + (s.kind === "password" ? s.kdf.ops * s.kdf.mem : 0), 0);
  if (work > MAX_KDF_WORK)
    throw new VaultDamagedError(
      "unsafe-kdf-params",
      "vault has unsupported or unsafe KDF parameters (its password slots together ask for more work than one slot at the caps)",
      ["the file may have been tampered with; restore a snapshot or backup"],
    );
  if (!isObject(o.ext) || !integersOnly(o.ext)) throw corrupted("bad ext");
  const g = o.ext.generation;
  if (g !== undefined && !(isUint(g) && g >= 1)) throw corrupted("bad key generation");
  if (g === undefined && (o.minor as number) >= 2) throw corrupted("no key generation");
  return {
    version: o.version,
    minor: o.minor as number,
    vaultId,
    slots,
    nonce: sized(o.nonce, NONCE_BYTES, "nonce"),
    ext: o.ext as JsonObject,
    data: new Uint8Array(0),
  };
}

function slotFromJson(s: unknown): Slot {
  if (!isObject(s) || typeof s.kind !== "string") throw corrupted("bad key slot");
  const id = hexId(s.id, "slot id");
  if (s.kind === "password") {
    exactKeys(s, ["id", "kind", "kdf", "nonce", "wrapped"]);
    const k = s.kdf;
    if (!isObject(k)) throw corrupted("bad key slot");
    exactKeys(k, ["name", "ops", "mem", "salt"]);
    const L = ARGON2_LIMITS;
    const ops = k.ops,
      mem = k.mem;
    const salt = base64(k.salt, "salt");
    if (
      k.name !== "argon2id13" ||
      !isUint(ops) ||
      !isUint(mem) ||
      ops < L.minOps ||
      ops > L.maxOps ||
      mem < L.minMem ||
      mem > L.maxMem ||
      mem % 1024 !== 0 ||
      salt.length !== SALT_BYTES
    )
      throw new VaultDamagedError("unsafe-kdf-params", "vault has unsupported or unsafe KDF parameters", [
        "the file may have been tampered with; restore a snapshot or backup",
      ]);
    return {
      kind: "password",
      id,
      kdf: { name: "argon2id13", ops, mem, salt },
      nonce: sized(s.nonce, NONCE_BYTES, "slot nonce"),
      wrapped: sized(s.wrapped, WRAPPED_BYTES, "wrapped key"),
    };
  }
  if (s.kind === "recovery-box") {
    exactKeys(s, ["id", "kind", "salt", "pk", "nonce", "macKey", "sealed", "mac"]);
    return {
      kind: "recovery-box",
      id,
      salt: sized(s.salt, SALT_BYTES, "salt"),
      pk: sized(s.pk, BOX_PK_BYTES, "public key"),
      nonce: sized(s.nonce, NONCE_BYTES, "slot nonce"),
      macKey: sized(s.macKey, WRAPPED_BYTES, "wrapped key"),
      sealed: sized(s.sealed, BOX_SEALED_BYTES, "sealed key"),
      mac: sized(s.mac, MAC_BYTES, "slot mac"),
    };
  }
  if (s.kind === "recovery") {
    exactKeys(s, ["id", "kind", "salt", "nonce", "wrapped"]);
    return {
      kind: "recovery",
      id,
      salt: sized(s.salt, SALT_BYTES, "salt"),
      nonce: sized(s.nonce, NONCE_BYTES, "slot nonce"),
      wrapped: sized(s.wrapped, WRAPPED_BYTES, "wrapped key"),
    };
  }
  if (!integersOnly(s)) throw corrupted("bad key slot");
  return { kind: "unknown", id, raw: s as JsonObject };
}

function exactKeys(o: Record<string, unknown>, want: string[]): void {
  const keys = Object.keys(o);
  if (keys.length !== want.length || !want.every((k) => keys.includes(k))) throw corrupted("bad key slot");
}

function isUint(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** Integers only, and at most MAX_DEPTH levels deep (a deeper value would overflow the recursive canonical form). */
function integersOnly(v: unknown, depth = 0): boolean {
  if (typeof v === "number") return Number.isSafeInteger(v);
  if (v === null || typeof v !== "object") return true;
  if (depth >= MAX_DEPTH) throw corrupted("nested too deeply");
  return (Array.isArray(v) ? v : Object.values(v)).every((x) => integersOnly(x, depth + 1));
}

function hexId(v: unknown, what: string): string {
  if (typeof v !== "string" || !/^[0-9a-f]{32}$/.test(v)) throw corrupted(`bad ${what}`);
  return v;
}

/**
 * Decodes base64 leniently on purpose: the canonical check re-encodes every field and compares,
 * so any other character or padding variant fails there (a regex over a 4 MB `data` cost 25 ms).
 */
function base64(v: unknown, what: string): Uint8Array {
  if (typeof v !== "string" || v.length % 4 !== 0) throw corrupted(`bad ${what}`);
  return asBytes(Buffer.from(v, "base64")); // a view, no copy of a large `data`
}

function sized(v: unknown, n: number, what: string): Uint8Array {
  const b = base64(v, what);
  if (b.length !== n) throw corrupted(`bad ${what}`);
  return b;
}

/** Byte equality. Not constant-time: every caller compares copies on this machine, where no one else can time it. Native: a 5 MB vault in 0.2 ms, not 10–30. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}
