// Aegis vaults and exports (docs/vault.md of Aegis): `{version: 1, header: {slots, params},
// db}`. Plain: slots and params null and db the content object. Encrypted: a password slot
// (scrypt N/r/p over the hex salt) unwraps the 256-bit master key with AES-256-GCM, which
// opens db (base64) with header.params' nonce and tag. Content versions 1–3: entries with
// type, name (the account), issuer, note and info {secret, algo, digits, period|counter};
// groups become tags (v2: a free-text `group`; v3: UUIDs into the top-level groups list).
import { scryptSync } from "node:crypto";
import { InputError } from "../errors.js";
import type { Codec, Decoded, ImportSource } from "./types.js";
import { aesGcmOpen } from "./aes.js";
import { base64Bytes } from "./bytes.js";
import { collect, entry } from "./collect.js";
import { algorithm, draftOf, int, str } from "./fields.js";
import { damaged, jsonOf, jsonText } from "./input.js";
import { withPassword } from "./password.js";
import { isObject } from "../json.js";

const WHAT = "Aegis vault";

export function isAegis(v: unknown): v is { version: number; header: Record<string, unknown>; db: unknown } {
  return isObject(v) && v.version === 1 && isObject(v.header) && "slots" in v.header && "db" in v;
}

/** scrypt limits: Aegis writes N = 2^15, r = 8, p = 1; a file asking for more than 1 GiB is refused. */
function scryptKey(password: string, salt: Uint8Array, n: number, r: number, p: number): Uint8Array {
  return new Uint8Array(scryptSync(Buffer.from(password, "utf8"), salt, 32, { N: n, r, p, maxmem: 128 * n * r * p + 64 * 1024 * 1024 }));
}

function hex(v: unknown, bytes: number | null, src: ImportSource): Uint8Array {
  const s = str(v);
  if (!/^[0-9a-fA-F]*$/.test(s) || s.length % 2 || (bytes !== null && s.length !== bytes * 2))
    throw damaged(src, WHAT, "a slot or nonce is not the hex it should be");
  return new Uint8Array(Buffer.from(s, "hex"));
}

interface Slot {
  key: Uint8Array;
  nonce: Uint8Array;
  tag: Uint8Array;
  salt: Uint8Array;
  n: number;
  r: number;
  p: number;
}

function passwordSlots(header: Record<string, unknown>, src: ImportSource): Slot[] {
  if (!Array.isArray(header.slots)) throw damaged(src, WHAT, "its header has no slots");
  const out: Slot[] = [];
  for (const s of header.slots) {
    if (!isObject(s) || s.type !== 1) continue;
    const kp = isObject(s.key_params) ? s.key_params : {};
    const n = Number(s.n),
      r = Number(s.r),
      p = Number(s.p);
    const pow2 = Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;
    if (!pow2 || !Number.isSafeInteger(r) || !Number.isSafeInteger(p) || r < 1 || p < 1 || 128 * n * r * p > 1024 ** 3)
      throw new InputError(
        "invalid-file",
        `${src.name}: the Aegis slot's scrypt parameters are out of range (N=${s.n}, r=${s.r}, p=${s.p})`,
      );
    out.push({ key: hex(s.key, 32, src), nonce: hex(kp.nonce, 12, src), tag: hex(kp.tag, 16, src), salt: hex(s.salt, null, src), n, r, p });
  }
  if (out.length === 0)
    throw new InputError("invalid-file", `${src.name}: this Aegis vault has no password slot (only biometric ones)`, [
      "in Aegis, set a password, then export again",
    ]);
  return out;
}

async function decryptDb(
  v: { header: Record<string, unknown>; db: unknown },
  src: ImportSource,
  helpers: Parameters<Codec["decode"]>[1],
): Promise<unknown> {
  const slots = passwordSlots(v.header, src);
  const params = isObject(v.header.params) ? v.header.params : {};
  const nonce = hex(params.nonce, 12, src);
  const tag = hex(params.tag, 16, src);
  if (typeof v.db !== "string") throw damaged(src, WHAT, "its db is not base64 text");
  const db = base64Bytes(v.db, "the vault data");
  const master = await withPassword(helpers, `${src.name} (Aegis)`, (pw) => {
    for (const s of slots) {
      const k = aesGcmOpen(scryptKey(pw, s.salt, s.n, s.r, s.p), s.nonce, Buffer.concat([s.key, s.tag]));
      if (k) return k;
    }
    return undefined;
  });
  // The key unwrapped, so a failure now is damage, not a wrong password.
  const plain = aesGcmOpen(master, nonce, Buffer.concat([db, tag]));
  if (!plain) throw damaged(src, WHAT, "its data does not decrypt with the unwrapped key (damaged or truncated)");
  const content = jsonText(plain);
  if (content === undefined) throw damaged(src, WHAT, "its decrypted data is not JSON");
  return content;
}

/** The entries of Aegis content (versions 1 to 3). */
export function decodeAegisContent(content: unknown, src: ImportSource): Decoded {
  if (!isObject(content) || !Array.isArray(content.entries)) throw damaged(src, WHAT, "it has no entries list");
  if (typeof content.version === "number" && content.version > 3)
    throw new InputError("invalid-file", `${src.name}: Aegis content version ${content.version} is newer than this otp reads (1 to 3)`);
  const groups = new Map<string, string>();
  if (Array.isArray(content.groups))
    for (const g of content.groups) if (isObject(g) && typeof g.uuid === "string") groups.set(g.uuid, str(g.name));
  return collect(
    content.entries as unknown[],
    (i, e) => `entry ${i + 1}${isObject(e) && str(e.issuer) ? ` (${str(e.issuer)})` : ""}`,
    (e) => {
      if (!isObject(e) || !isObject(e.info)) throw new InputError("invalid-entry", "not an Aegis entry");
      const type = str(e.type).toLowerCase();
      if (type !== "totp" && type !== "hotp" && type !== "steam")
        throw new InputError("invalid-entry", `type "${type.slice(0, 12)}" is not supported (only totp, hotp and steam)`);
      const tags: string[] = [];
      if (Array.isArray(e.groups)) for (const g of e.groups) if (typeof g === "string" && groups.get(g)) tags.push(groups.get(g)!);
      if (typeof e.group === "string" && e.group.trim()) tags.push(e.group.trim());
      const info = e.info;
      const draft = draftOf({
        type,
        secret: str(info.secret),
        issuer: str(e.issuer),
        account: str(e.name),
        algorithm: algorithm(info.algo),
        digits: int(info.digits, "digits", 6),
        period: type === "hotp" ? undefined : int(info.period, "period", 30),
        counter: type === "hotp" ? int(info.counter, "counter", 0) : undefined,
        tags,
        notes: typeof e.note === "string" ? e.note : undefined,
      });
      return entry(draft);
    },
  );
}

export const aegisCodec: Codec = {
  name: "aegis",
  sniff: (src) => isAegis(jsonOf(src)),
  async decode(src, helpers) {
    const v = jsonOf(src);
    if (!isAegis(v)) throw damaged(src, WHAT, "it is not an Aegis vault (no version, header and db)");
    const encrypted = v.header.slots !== null && v.header.slots !== undefined;
    return decodeAegisContent(encrypted ? await decryptDb(v, src, helpers) : v.db, src);
  },
};
