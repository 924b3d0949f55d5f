// Proton Authenticator's JSON export (version 1): {version, entries: [{content: {uri
// (otpauth://), entry_type, name}, note}]}. The URI carries the parameters; content.name is
// the account as the user named it there.
import { InputError } from "../errors.js";
import { parseOtpauthUri } from "../uri.js";
import type { Codec } from "./types.js";
import { collect, entry } from "./collect.js";
import { str } from "./fields.js";
import { damaged, jsonOf } from "./input.js";
import { isObject } from "../json.js";

const isProton = (v: unknown): v is { version: number; entries: unknown[] } =>
  isObject(v) &&
  typeof v.version === "number" &&
  Array.isArray(v.entries) &&
  v.entries.every((e) => isObject(e) && isObject(e.content) && "uri" in e.content);

export const protonCodec: Codec = {
  name: "proton",
  sniff: (src) => isProton(jsonOf(src)),
  async decode(src) {
    const v = jsonOf(src);
    if (!isProton(v)) throw damaged(src, "Proton Authenticator export", "it has no entries with a content.uri");
    if (v.version > 1)
      throw new InputError(
        "invalid-file",
        `${src.name}: Proton Authenticator export version ${v.version} is newer than this otp reads (1)`,
      );
    return collect(
      v.entries,
      (i, e) => `entry ${i + 1}${isObject(e) && isObject(e.content) && str(e.content.name) ? ` (${str(e.content.name)})` : ""}`,
      (e) => {
        const c = (e as { content: Record<string, unknown> }).content;
        const { draft, warnings } = parseOtpauthUri(str(c.uri));
        if (str(c.name)) draft.account = str(c.name);
        const note = isObject(e) && typeof e.note === "string" ? e.note : "";
        if (note) draft.notes = note;
        return entry(draft, warnings);
      },
    );
  },
};
