// `otp audit`'s rules (core/audit.ts) and the backup reminder's (core/vault/backup-state.ts):
// each problem found in a vault built to have it, with a fix; nothing in a clean one.
import { describe, expect, it } from "vitest";
import { auditVault, type FindingKind } from "../../../src/core/audit.js";
import type { Entry } from "../../../src/core/entry.js";
import { entriesState, reminderDue, withLastBackup } from "../../../src/core/vault/backup-state.js";
import type { Envelope } from "../../../src/core/vault/format.js";
import { DEFAULT_ARGON2 } from "../../../src/core/vault/kdf.js";
import type { VaultData } from "../../../src/core/vault/model.js";

const codes = (n: number, used = 0) =>
  Array.from({ length: n }, (_, i) => ({ code: `code-${i}`, usedAt: i < used ? "2026-01-01T00:00:00.000Z" : null }));
function e(name: string, secret: string, more: Partial<Entry> = {}): Entry {
  return {
    id: name.padEnd(32, "0"),
    name,
    issuer: name,
    account: "",
    type: "totp",
    secret,
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    tags: [],
    notes: "",
    recoveryCodes: codes(10),
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...more,
  };
}
const S160 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const S160b = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const bytes = (n: number) => new Uint8Array(n);
function env(o: { recovery?: boolean; ops?: number; mem?: number } = {}): Envelope {
  const slots: Envelope["slots"] = [
    {
      kind: "password",
      id: "a".repeat(32),
      kdf: { name: "argon2id13", ops: o.ops ?? DEFAULT_ARGON2.ops, mem: o.mem ?? DEFAULT_ARGON2.mem, salt: bytes(16) },
      nonce: bytes(24),
      wrapped: bytes(48),
    },
  ];
  if (o.recovery !== false) slots.push({ kind: "recovery", id: "b".repeat(32), salt: bytes(16), nonce: bytes(24), wrapped: bytes(48) });
  return { version: 1, minor: 0, vaultId: "c".repeat(32), slots, nonce: bytes(24), ext: {}, data: bytes(16) };
}
function clean(entries: Entry[] = [e("github", S160), e("gitlab", S160b)]): VaultData {
  const d: VaultData = { entries, tombstones: [], meta: { createdAt: "2026-01-01T00:00:00.000Z" } };
  return withLastBackup(d, { at: "2026-02-01T00:00:00.000Z", state: entriesState(entries), file: "/usb/b.otp" });
}
const kinds = (d: VaultData, en = env()) => auditVault(d, en).map((f) => f.kind);

describe("auditVault", () => {
  it("finds nothing in a clean vault, nor in an empty one", () => {
    expect(auditVault(clean(), env())).toEqual([]);
    expect(auditVault({ entries: [], tombstones: [], meta: {} }, env())).toEqual([]);
  });

  it.each<[string, () => VaultData, Envelope, FindingKind[]]>([
    [
      "an entry without recovery codes",
      () => clean([e("github", S160, { recoveryCodes: [] }), e("gitlab", S160b)]),
      env(),
      ["no-recovery-codes"],
    ],
    [
      "an entry with two unused codes left",
      () => clean([e("github", S160, { recoveryCodes: codes(10, 8) }), e("gitlab", S160b)]),
      env(),
      ["few-recovery-codes"],
    ],
    [
      "an entry with every code used",
      () => clean([e("github", S160, { recoveryCodes: codes(3, 3) }), e("gitlab", S160b)]),
      env(),
      ["few-recovery-codes"],
    ],
    ["no backup ever", () => ({ ...clean(), meta: {} }), env(), ["no-backup"]],
    [
      "a change since the last backup",
      () => ({ ...clean(), entries: [e("github", S160, { notes: "changed" }), e("gitlab", S160b)] }),
      env(),
      ["backup-outdated"],
    ],
    ["no recovery key", () => clean(), env({ recovery: false }), ["no-recovery-key"]],
    ["an 80-bit secret", () => clean([e("github", S160), e("old", "GEZDGNBVGY3TQOJQ")]), env(), ["short-secret"]],
    ["the same secret twice", () => clean([e("github", S160), e("github-2", S160)]), env(), ["duplicate-secret"]],
    ["a KDF weaker than today's default", () => clean(), env({ ops: 1, mem: 8192 }), ["weak-kdf"]],
  ])("%s", (_, make, en, want) => {
    const findings = auditVault(make(), en);
    expect(findings.map((f) => f.kind)).toEqual(want);
    for (const f of findings) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix).toMatch(/`otp [a-z-]+|otp backup|chmod/);
    }
  });

  it("names the entry and quotes it in the fix when it needs quoting", () => {
    const [f] = auditVault(clean([e("my bank", S160, { recoveryCodes: [] })]), env());
    expect(f!.entries).toEqual(["my bank"]);
    expect(f!.fix).toContain("`otp recovery add 'my bank'`");
  });

  it("never puts a secret or a recovery code in a finding", () => {
    const d = clean([e("github", S160, { recoveryCodes: codes(2) }), e("dup", S160)]);
    const text = JSON.stringify(auditVault(d, env({ recovery: false, ops: 1 })));
    expect(text).not.toContain(S160);
    expect(text).not.toContain("code-0");
    expect(kinds(d, env({ recovery: false, ops: 1 }))).toEqual(["no-recovery-key", "weak-kdf", "few-recovery-codes", "duplicate-secret"]);
  });
});

describe("the backup reminder's rule", () => {
  const day = 24 * 3600 * 1000;
  const at = Date.parse("2026-02-01T00:00:00.000Z");
  it("speaks after a change when the last verified backup is more than 7 days older", () => {
    const changed: VaultData = { ...clean(), entries: [e("github", S160, { notes: "new" })] };
    expect(reminderDue(changed, at + 7 * day)).toBeNull();
    expect(reminderDue(changed, at + 8 * day + 1)).toEqual({ days: 8, never: false });
  });

  it("is quiet when the backup holds exactly these entries (updatedAt aside), however old", () => {
    const d = clean();
    expect(reminderDue(d, at + 300 * day)).toBeNull();
    expect(
      reminderDue({ ...d, entries: d.entries.map((x) => ({ ...x, updatedAt: "2027-01-01T00:00:00.000Z" })) }, at + 300 * day),
    ).toBeNull();
  });

  it("with no backup ever: counts from the vault's creation; an empty vault never reminds", () => {
    const created = Date.parse("2026-01-01T00:00:00.000Z");
    const none: VaultData = { entries: [e("github", S160)], tombstones: [], meta: { createdAt: "2026-01-01T00:00:00.000Z" } };
    expect(reminderDue(none, created + 3 * day)).toBeNull();
    expect(reminderDue(none, created + 10 * day)).toEqual({ days: 10, never: true });
    expect(reminderDue({ ...none, entries: [] }, created + 100 * day)).toBeNull();
  });
});
