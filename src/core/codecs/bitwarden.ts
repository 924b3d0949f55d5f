// Bitwarden's unencrypted exports, JSON ({encrypted: false, items: [{name, login: {username,
// totp}}]}) and CSV (header …,name,…,login_username,…,login_totp). A TOTP field is an
// otpauth:// URI, steam://SECRET, or a bare base32 secret (TOTP, SHA1, 6 digits, 30 s).
// Items without a TOTP are ordinary logins and are passed over. Where the URI names no issuer
// or account, the item's name and login username fill in. Encrypted exports are refused
// with the way out: Bitwarden can export them unencrypted.
import { InputError } from "../errors.js";
import { parseOtpauthUri } from "../uri.js";
import { parseCsv } from "./csv.js";
import type { Codec, Decoded, ImportSource } from "./types.js";
import { utf8 } from "./bytes.js";
import { collect, entry } from "./collect.js";
import { draftOf, str } from "./fields.js";
import { damaged, jsonOf } from "./input.js";
import { isObject } from "../json.js";

const WHAT = "Bitwarden export";
const CSV_HEAD = /^(\uFEFF)?[^\r\n]*\blogin_totp\b/;

interface Item {
  name: string;
  username: string;
  totp: string;
}

function fromTotp(item: Item) {
  const t = item.totp.trim();
  if (/^otpauth:\/\//i.test(t)) {
    const { draft, warnings } = parseOtpauthUri(t);
    if (!draft.issuer) draft.issuer = item.name;
    if (!draft.account) draft.account = item.username;
    return entry(draft, warnings);
  }
  if (/^steam:\/\//i.test(t)) {
    return entry(draftOf({ type: "steam", secret: t.slice("steam://".length), issuer: "Steam", account: item.username || item.name }));
  }
  if (/^[A-Za-z2-7=\s-]+$/.test(t)) return entry(draftOf({ type: "totp", secret: t, issuer: item.name, account: item.username }));
  throw new InputError("invalid-entry", "its TOTP field is not an otpauth:// URI, a steam:// URI or a base32 secret");
}

function decodeItems(items: Item[], skipped: number): Decoded {
  const out = collect(
    items,
    (i, it) => `item ${i + 1}${it.name ? ` (${it.name})` : ""}`,
    (it) => fromTotp(it),
  );
  if (skipped)
    out.notes.push(`${skipped} ${skipped === 1 ? "item has" : "items have"} no TOTP and ${skipped === 1 ? "was" : "were"} passed over`);
  return out;
}

function isBitwardenJson(v: unknown): v is Record<string, unknown> {
  return isObject(v) && typeof v.encrypted === "boolean" && (Array.isArray(v.items) || typeof v.data === "string");
}

function fromJson(v: Record<string, unknown>, src: ImportSource): Decoded {
  if (v.encrypted !== false || !Array.isArray(v.items))
    throw new InputError("invalid-file", `${src.name}: this Bitwarden export is encrypted, which otp cannot read`, [
      'in Bitwarden, export the vault again as .json (not "encrypted")',
    ]);
  const all = v.items.filter(isObject);
  const items: Item[] = all
    .filter((it) => isObject(it.login) && str(it.login.totp) !== "")
    .map((it) => ({
      name: str(it.name),
      username: str((it.login as Record<string, unknown>).username),
      totp: str((it.login as Record<string, unknown>).totp),
    }));
  return decodeItems(items, all.length - items.length);
}

function fromCsv(src: ImportSource): Decoded {
  let rows: string[][];
  try {
    rows = parseCsv(utf8.decode(src.bytes));
  } catch {
    throw damaged(src, WHAT, "its CSV has an unterminated quoted field");
  }
  const head = rows[0] ?? [];
  const col = (n: string) => head.indexOf(n);
  const [name, user, totp] = [col("name"), col("login_username"), col("login_totp")];
  if (totp < 0) throw damaged(src, WHAT, "its CSV has no login_totp column");
  const body = rows.slice(1);
  const items = body
    .filter((r) => (r[totp] ?? "").trim() !== "")
    .map((r) => ({ name: (r[name] ?? "").trim(), username: (r[user] ?? "").trim(), totp: r[totp]! }));
  return decodeItems(items, body.length - items.length);
}

export const bitwardenCodec: Codec = {
  name: "bitwarden",
  sniff: (src) => isBitwardenJson(jsonOf(src)) || CSV_HEAD.test(utf8.decode(src.bytes.subarray(0, 2048))),
  async decode(src) {
    const v = jsonOf(src);
    if (isBitwardenJson(v)) return fromJson(v, src);
    if (v !== undefined) throw damaged(src, WHAT, "its JSON has no items");
    return fromCsv(src);
  },
};
