// A reader for the one Java Object Serialization stream FreeOTP 2.x writes as its backup: a
// java.util.HashMap<String, String> (ObjectOutputStream, protocol 5). It reads exactly that
// shape — the HashMap class descriptor, its loadFactor/threshold fields, the block with
// capacity and size, then size key/value pairs of TC_STRING, TC_LONGSTRING or TC_REFERENCE
// to an earlier string — and throws on anything else. Strings are Java's "modified UTF-8".

import { MAX_ENTRIES, MAX_UNPACKED_BYTES } from "../limits.js";

const MAGIC = 0xaced;
const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_LONGSTRING = 0x7c;
const BASE_HANDLE = 0x7e0000;

/** Sizes of the primitive field values (Android's older HashMap declares only loadFactor). */
const PRIMITIVE_SIZES: Record<string, number> = { B: 1, Z: 1, C: 2, S: 2, F: 4, I: 4, D: 8, J: 8 };

export class JavaSerialError extends Error {}

class Reader {
  at = 0;
  readonly handles: unknown[] = [];
  constructor(private readonly b: Uint8Array) {}
  need(n: number) {
    if (this.at + n > this.b.length) throw new JavaSerialError("truncated");
  }
  u8(): number {
    this.need(1);
    return this.b[this.at++]!;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u32(): number {
    return ((this.u16() << 16) >>> 0) + this.u16();
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  mutf8(n: number): string {
    return decodeModifiedUtf8(this.bytes(n));
  }
}

/** Java's modified UTF-8: NUL as C0 80, supplementary characters as two 3-byte surrogates. */
export function decodeModifiedUtf8(b: Uint8Array): string {
  const units: number[] = [];
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c < 0x80) {
      units.push(c);
      i += 1;
    } else if ((c & 0xe0) === 0xc0 && i + 1 < b.length) {
      units.push(((c & 0x1f) << 6) | (b[i + 1]! & 0x3f));
      i += 2;
    } else if ((c & 0xf0) === 0xe0 && i + 2 < b.length) {
      units.push(((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f));
      i += 3;
    } else throw new JavaSerialError("bad modified UTF-8");
  }
  let s = "";
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096));
  return s;
}

function readString(r: Reader): string {
  const tc = r.u8();
  if (tc === TC_STRING) {
    const s = r.mutf8(r.u16());
    r.handles.push(s);
    return s;
  }
  if (tc === TC_LONGSTRING) {
    const hi = r.u32();
    const lo = r.u32();
    if (hi !== 0) throw new JavaSerialError("string too long");
    const s = r.mutf8(lo);
    r.handles.push(s);
    return s;
  }
  if (tc === TC_REFERENCE) {
    const h = r.handles[r.u32() - BASE_HANDLE];
    if (typeof h !== "string") throw new JavaSerialError("reference to a non-string");
    return h;
  }
  throw new JavaSerialError("expected a string");
}

/** True when the bytes start a serialized java.util.HashMap (cheap sniff). */
export function isJavaHashMap(b: Uint8Array): boolean {
  const name = "java.util.HashMap";
  if (b.length < 7 + name.length || b[0] !== 0xac || b[1] !== 0xed || b[4] !== TC_OBJECT || b[5] !== TC_CLASSDESC) return false;
  return new TextDecoder().decode(b.subarray(8, 8 + name.length)) === name && ((b[6]! << 8) | b[7]!) === name.length;
}

/** The entries of a serialized HashMap<String, String>, in stream order. Throws JavaSerialError. */
export function readJavaStringMap(b: Uint8Array): Map<string, string> {
  const r = new Reader(b);
  if (r.u16() !== MAGIC || r.u16() !== 5) throw new JavaSerialError("not a Java serialization stream");
  if (r.u8() !== TC_OBJECT || r.u8() !== TC_CLASSDESC) throw new JavaSerialError("not an object");
  if (r.mutf8(r.u16()) !== "java.util.HashMap") throw new JavaSerialError("not a HashMap");
  r.bytes(8); // serialVersionUID
  r.handles.push("classdesc");
  r.u8(); // flags (SC_SERIALIZABLE | SC_WRITE_METHOD)
  const fields = r.u16();
  let fieldBytes = 0;
  for (let i = 0; i < fields; i++) {
    const code = String.fromCharCode(r.u8());
    r.mutf8(r.u16());
    const size = PRIMITIVE_SIZES[code];
    if (size === undefined) throw new JavaSerialError("a HashMap with object fields is not supported");
    fieldBytes += size;
  }
  if (r.u8() !== TC_ENDBLOCKDATA) throw new JavaSerialError("class annotations are not supported");
  if (r.u8() !== TC_NULL) throw new JavaSerialError("a HashMap subclass is not supported");
  r.handles.push("object");
  r.bytes(fieldBytes); // loadFactor, and on newer Javas threshold: not needed to read the map
  if (r.u8() !== TC_BLOCKDATA || r.u8() !== 8) throw new JavaSerialError("no capacity block");
  r.u32(); // capacity
  const size = r.u32();
  if (size > MAX_ENTRIES) throw new JavaSerialError("too many entries");
  const out = new Map<string, string>();
  // A back-reference repeats a string for 5 bytes: 16 MiB of them could hand one long string
  // to JSON.parse a million times. The strings as read may add up to what otp unpacks.
  let total = 0;
  for (let i = 0; i < size; i++) {
    const k = readString(r);
    const v = readString(r);
    total += k.length + v.length;
    if (total > MAX_UNPACKED_BYTES) throw new JavaSerialError("its strings add up to more than 16 MiB");
    out.set(k, v);
  }
  if (r.u8() !== TC_ENDBLOCKDATA) throw new JavaSerialError("no end of the map");
  return out;
}
