// What one vault write changed, by entry id, and the git commit message that says so. The
// message names the action and the entries' random ids, never a name, secret, issuer or
// account: commits travel to remotes in the clear (`otp: add entry 3f2a9c1d`).
import type { Entry } from "../entry.js";
import { sameJson } from "../json.js";
import { canonicalJson } from "./merge.js";
import type { VaultData } from "./model.js";

export type ChangeKind = "counter" | "recovery" | "edit";

export interface EntryChanges {
  added: string[];
  removed: string[];
  changed: { id: string; kind: ChangeKind }[];
}

/** How the entries differ between two states of a vault. */
export function entryChanges(before: VaultData, after: VaultData): EntryChanges {
  const old = new Map(before.entries.map((e) => [e.id, e]));
  const now = new Map(after.entries.map((e) => [e.id, e]));
  const changed: EntryChanges["changed"] = [];
  for (const [id, e] of now) {
    const o = old.get(id);
    if (o && !sameJson(o, e)) changed.push({ id, kind: kindOf(o, e) });
  }
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed,
  };
}

/** An HOTP code (only the counter moved), a recovery code (only the codes), else an edit. */
function kindOf(o: Entry, e: Entry): ChangeKind {
  const keys = new Set([...Object.keys(o), ...Object.keys(e)]);
  keys.delete("updatedAt");
  const differ = [...keys].filter((k) => canonicalJson(o[k]) !== canonicalJson(e[k]));
  if (differ.length === 1 && differ[0] === "counter") return "counter";
  if (differ.length === 1 && differ[0] === "recoveryCodes") return "recovery";
  return "edit";
}

export const isEmpty = (c: EntryChanges) => c.added.length + c.removed.length + c.changed.length === 0;

/** An id as it appears in messages: its first 8 characters, and only characters safe anywhere. */
export const shortId = (id: string) => id.replace(/[^0-9A-Za-z_-]/g, "").slice(0, 8) || "?";

function phrase(verb: string, ids: string[]): string {
  if (ids.length === 1) return `${verb} entry ${shortId(ids[0]!)}`;
  if (ids.length <= 3) return `${verb} entries ${ids.map(shortId).join(", ")}`;
  return `${verb} ${ids.length} entries`;
}

/** One line: `otp: add entry 3f2a9c1d`, `otp: add 5 entries; remove entry 9b1c2d3e`, … */
export function commitMessage(c: EntryChanges, fallback = "update the vault"): string {
  const of = (k: ChangeKind) => c.changed.filter((x) => x.kind === k).map((x) => x.id);
  const parts = [
    c.added.length ? phrase("add", c.added) : "",
    c.removed.length ? phrase("remove", c.removed) : "",
    of("edit").length ? phrase("edit", of("edit")) : "",
    of("counter").length ? phrase("use an HOTP code of", of("counter")) : "",
    of("recovery").length ? phrase("change the recovery codes of", of("recovery")) : "",
  ].filter(Boolean);
  return `otp: ${parts.length ? parts.join("; ") : fallback}`;
}

/** For people: "2 added, 1 removed, 3 changed", or "" when nothing changed. */
export function changeSummary(c: EntryChanges): string {
  return [
    c.added.length ? `${c.added.length} added` : "",
    c.removed.length ? `${c.removed.length} removed` : "",
    c.changed.length ? `${c.changed.length} changed` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/**
 * What a write that changed no entry did, for its commit message: new key slots (`otp passwd`,
 * `otp recovery-key new`), a verified backup recorded in meta, or else any other change.
 */
export function otherChange(before: VaultData, after: VaultData, keysChanged: boolean): string {
  if (keysChanged) return "change the vault's keys";
  if (canonicalJson(before.meta?.lastBackup) !== canonicalJson(after.meta?.lastBackup)) return "record a verified backup";
  return "update the vault";
}
