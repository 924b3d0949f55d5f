// Writing an Aegis vault (Aegis' docs/vault.md), for `otp export --format aegis`: content
// version 3 ({version, entries, groups}, tags as groups), plain (header slots and params
// null, db the object) or encrypted: a random 256-bit master key seals the content with
// AES-256-GCM; one password slot wraps the master key with AES-256-GCM under
// scrypt(password, 32-byte salt, N 2^15, r 8, p 1) — Aegis' own parameters, so Aegis opens it.
import { createCipheriv, randomUUID, scryptSync } from "node:crypto";
import type { Entry } from "../entry.js";
import { safeJson } from "../text.js";
import { randomBytes } from "../vault/crypto.js";

export const AEGIS_SCRYPT = { N: 2 ** 15, r: 8, p: 1 };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function seal(key: Uint8Array, plain: Uint8Array): { nonce: Uint8Array; data: Uint8Array; tag: Uint8Array } {
  const nonce = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, nonce);
  const data = new Uint8Array(Buffer.concat([c.update(plain), c.final()]));
  return { nonce, data, tag: new Uint8Array(c.getAuthTag()) };
}

/** Aegis content (version 3) for these entries; tags become groups. */
export function aegisContent(entries: Entry[]): { version: 3; entries: unknown[]; groups: { uuid: string; name: string }[] } {
  const groups = new Map<string, string>();
  for (const e of entries) for (const t of e.tags ?? []) if (!groups.has(t)) groups.set(t, randomUUID());
  return {
    version: 3,
    entries: entries.map((e) => ({
      type: e.type,
      uuid: randomUUID(),
      name: e.account,
      issuer: e.issuer,
      note: e.notes ?? "",
      favorite: false,
      icon: null,
      icon_mime: null,
      icon_hash: null,
      info: {
        secret: e.secret,
        algo: e.algorithm,
        digits: e.digits,
        ...(e.type === "hotp" ? { counter: e.counter ?? 0 } : { period: e.period ?? 30 }),
      },
      groups: (e.tags ?? []).map((t) => groups.get(t)!),
    })),
    groups: [...groups].map(([name, uuid]) => ({ uuid, name })),
  };
}

/** The bytes of an Aegis vault file: plain when `password` is undefined, else encrypted. */
export function encodeAegis(entries: Entry[], password?: string, scrypt = AEGIS_SCRYPT): Uint8Array {
  const content = aegisContent(entries);
  if (password === undefined)
    return new TextEncoder().encode(safeJson({ version: 1, header: { slots: null, params: null }, db: content }, 4) + "\n");
  const master = randomBytes(32);
  const salt = randomBytes(32);
  const kek = new Uint8Array(
    scryptSync(Buffer.from(password, "utf8"), salt, 32, { ...scrypt, maxmem: 128 * scrypt.N * scrypt.r * scrypt.p + 64 * 1024 * 1024 }),
  );
  const wrapped = seal(kek, master);
  const db = seal(master, new TextEncoder().encode(JSON.stringify(content)));
  master.fill(0);
  kek.fill(0);
  const file = {
    version: 1,
    header: {
      slots: [
        {
          type: 1,
          uuid: randomUUID(),
          key: hex(wrapped.data),
          key_params: { nonce: hex(wrapped.nonce), tag: hex(wrapped.tag) },
          n: scrypt.N,
          r: scrypt.r,
          p: scrypt.p,
          salt: hex(salt),
          repaired: true,
          is_backup: false,
        },
      ],
      params: { nonce: hex(db.nonce), tag: hex(db.tag) },
    },
    db: Buffer.from(db.data).toString("base64"),
  };
  return new TextEncoder().encode(JSON.stringify(file, null, 4) + "\n");
}
