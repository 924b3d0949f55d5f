// `otp audit`: what in a vault could cost an account, each finding with what to do about it.
// Pure: the vault's data and header in, findings out; the file-system checks (permissions,
// leftover files) are the CLI's, in the same Finding shape.
import { decodeBase32 } from "./base32.js";
import type { Entry } from "./entry.js";
import { lastBackup, entriesState } from "./vault/backup-state.js";
import type { Envelope } from "./vault/format.js";
import { DEFAULT_ARGON2 } from "./vault/kdf.js";
import type { VaultData } from "./vault/model.js";
import { UNSHOWN_RECOVERY_KEY, hasRecoverySlot } from "./vault/recovery-key.js";
import { FEW_CODES, unusedCount } from "./recovery-codes.js";

export type FindingKind =
  | "no-recovery-codes"
  | "few-recovery-codes"
  | "no-backup"
  | "backup-outdated"
  | "no-recovery-key"
  | "recovery-key-unshown"
  | "short-secret"
  | "duplicate-secret"
  | "weak-kdf"
  | "loose-permissions"
  | "leftover-file";

export interface Finding {
  kind: FindingKind;
  /** the entries it is about, by name */
  entries?: string[];
  /** the file it is about */
  file?: string;
  message: string;
  /** what to do */
  fix: string;
}

export const MIN_SECRET_BITS = 128;

/** A name as a shell word, for the commands in fixes. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/u.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function secretBits(e: Entry): number | null {
  try {
    return decodeBase32(e.secret).length * 8;
  } catch {
    return null;
  }
}

function entryFindings(e: Entry): Finding[] {
  const out: Finding[] = [];
  const q = shellWord(e.name);
  const codes = e.recoveryCodes ?? [];
  const unused = unusedCount(codes);
  if (codes.length === 0)
    out.push({
      kind: "no-recovery-codes",
      entries: [e.name],
      message: `${e.name}: no recovery codes`,
      fix: `get the site's recovery (backup) codes from its 2FA settings, then \`otp recovery add ${q}\``,
    });
  else if (unused <= FEW_CODES)
    out.push({
      kind: "few-recovery-codes",
      entries: [e.name],
      message: `${e.name}: ${unused === 0 ? "no" : `only ${unused}`} unused recovery code${unused === 1 ? "" : "s"} left`,
      fix: `generate new codes at the site, then \`otp recovery add ${q} --replace\``,
    });
  const bits = secretBits(e);
  if (bits !== null && bits < MIN_SECRET_BITS)
    out.push({
      kind: "short-secret",
      entries: [e.name],
      message: `${e.name}: the secret is only ${bits} bits (under ${MIN_SECRET_BITS})`,
      fix: `the site chose it; if its 2FA settings let you set up the authenticator again, do so and \`otp add\` the new, longer secret`,
    });
  return out;
}

function duplicates(entries: Entry[]): Finding[] {
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    const k = e.secret.toUpperCase().replace(/=+$/, "");
    groups.set(k, [...(groups.get(k) ?? []), e.name]);
  }
  return [...groups.values()]
    .filter((names) => names.length > 1)
    .map((names) => ({
      kind: "duplicate-secret" as const,
      entries: names,
      message: `${names.join(", ")}: the same secret in ${names.length} entries`,
      fix: `if they are one account, keep one: \`otp rm ${shellWord(names[names.length - 1]!)}\`; if they are different accounts, the site reused a secret, so set up 2FA again for one of them`,
    }));
}

function backupFindings(data: VaultData): Finding[] {
  if (data.entries.length === 0) return [];
  const r = lastBackup(data);
  if (!r)
    return [
      {
        kind: "no-backup",
        message: "no verified backup of this vault has been made",
        fix: "run `otp backup`, then copy the file off this machine (a USB stick, another computer)",
      },
    ];
  if (r.state !== entriesState(data.entries))
    return [
      {
        kind: "backup-outdated",
        file: r.file || undefined,
        message: `the vault changed since its last verified backup (${r.at.slice(0, 10)}${r.file ? `, ${r.file}` : ""})`,
        fix: "run `otp backup` again",
      },
    ];
  return [];
}

function keyFindings(env: Envelope, data: VaultData): Finding[] {
  const out: Finding[] = [];
  const unshown = data.meta[UNSHOWN_RECOVERY_KEY];
  if (typeof unshown === "string" && env.slots.some((s) => s.id === unshown))
    out.push({
      kind: "recovery-key-unshown",
      message: "a recovery key was made but otp was interrupted before it was shown, or before the old one was retired",
      fix: "run `otp recovery-key new` and write the new key down on paper",
    });
  if (!hasRecoverySlot(env))
    out.push({
      kind: "no-recovery-key",
      message: "the vault has no recovery key: a forgotten password loses every entry",
      fix: "run `otp recovery-key new` and write the key down on paper",
    });
  const weak = env.slots.some((s) => s.kind === "password" && (s.kdf.ops < DEFAULT_ARGON2.ops || s.kdf.mem < DEFAULT_ARGON2.mem));
  if (weak)
    out.push({
      kind: "weak-kdf",
      message: `the vault password is stretched less than today's default (Argon2id, ${DEFAULT_ARGON2.ops} passes over ${DEFAULT_ARGON2.mem / 1024 / 1024} MiB)`,
      fix: "run `otp passwd` (the same password may be given again): it re-wraps the key with today's settings",
    });
  return out;
}

/** Every finding about the vault's contents and header, entries in their order. */
export function auditVault(data: VaultData, env: Envelope): Finding[] {
  return [...keyFindings(env, data), ...backupFindings(data), ...data.entries.flatMap(entryFindings), ...duplicates(data.entries)];
}
