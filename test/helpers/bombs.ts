// Hostile containers made at run time (no committed binaries): zip files that unpack to far more
// than they hold or than their header says, zips with thousands of members, and SQLite files
// whose tables compute or repeat their values when read.
import { constants, crc32, deflateRawSync } from "node:zlib";

const MiB = 1024 * 1024;

/**
 * A raw deflate stream of `mib` MiB of zeros, built from one compressed MiB repeated: each
 * repeat ends on a full flush (byte-aligned, dictionary reset), so the copies concatenate.
 * About 1 KiB per MiB. Also the CRC-32 of what it unpacks to.
 */
export function zerosDeflated(mib: number): { data: Buffer; crc: number; size: number } {
  const chunk = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const end = Buffer.from([0x03, 0x00]); // a final, empty, fixed-Huffman block
  let crc = 0;
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < mib; i++) crc = crc32(zeros, crc);
  return { data: Buffer.concat([...Array<Buffer>(mib).fill(chunk), end]), crc, size: mib * MiB };
}

export interface ZipMember {
  name: string;
  data: Buffer;
  crc: number;
  /** the uncompressed size the headers declare */
  size: number;
  /** 8 deflate (default), 0 stored */
  method?: number;
  /** sets the "encrypted" flag (the data is not really encrypted) */
  encrypted?: boolean;
}

/** A zip file (local headers, central directory, end record) holding `members` as given. */
export function zipOf(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const flags = m.encrypted ? 1 : 0;
    const method = m.method ?? 8;
    const loc = Buffer.alloc(30);
    loc.writeUInt32LE(0x04034b50, 0);
    loc.writeUInt16LE(20, 4);
    loc.writeUInt16LE(flags, 6);
    loc.writeUInt16LE(method, 8);
    loc.writeUInt32LE(m.crc >>> 0, 14);
    loc.writeUInt32LE(m.data.length, 18);
    loc.writeUInt32LE(m.size >>> 0, 22);
    loc.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(flags, 8);
    cen.writeUInt16LE(method, 10);
    cen.writeUInt32LE(m.crc >>> 0, 16);
    cen.writeUInt32LE(m.data.length, 20);
    cen.writeUInt32LE(m.size >>> 0, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    locals.push(loc, name, m.data);
    centrals.push(cen, name);
    offset += loc.length + name.length + m.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(members.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(members.length, 0xffff), 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Authenticator Plus's Accounts.txt unpacking to `mib` MiB of zeros, its header saying `declared` bytes (default: the truth). */
export function accountsZipBomb(mib: number, o: { declared?: number; encrypted?: boolean } = {}): Buffer {
  const z = zerosDeflated(mib);
  return zipOf([{ name: "Accounts.txt", data: z.data, crc: z.crc, size: o.declared ?? z.size, encrypted: o.encrypted }]);
}

/** A good Accounts.txt (stored) followed by `extra` empty members. */
export function manyMembersZip(extra: number, uri: string): Buffer {
  const text = Buffer.from(uri + "\n");
  const members: ZipMember[] = [{ name: "Accounts.txt", data: text, crc: crc32(text), size: text.length, method: 0 }];
  for (let i = 0; i < extra; i++) members.push({ name: `f${i}`, data: Buffer.alloc(0), crc: 0, size: 0, method: 0 });
  return zipOf(members);
}
