// A 10,000-entry vault (format minor 3, about 5 MB) syncs through real git exactly as a small
// one does: two machines change it apart, `otp sync` merges through the merge driver, and both
// end with the same entries, equal to the content merged in memory (mergeData). The built otp
// runs as a real process; the vault is made in-process (10,000 `otp add`s would take minutes).
import { writeFileSync, mkdirSync, chmodSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { mergeData } from "../../src/core/vault/merge.js";
import { addEntries, emptyData, serializeData } from "../../src/core/vault/model.js";
import { createVault, newId } from "../../src/core/vault/vault.js";
import { expectOk, newSecret } from "../helpers/e2e-util.js";
import { CHEAP_KDF, TEST_PASSWORD, totp } from "../helpers/otp-home.js";
import { bareRemote, entriesOf, machine } from "../helpers/sync-machines.js";
import { needTool } from "../helpers/tools.js";

const hasGit = needTool("git");
vi.setConfig({ testTimeout: 180_000 });
const N = 10_000;
const NOW = "2026-01-01T00:00:00.000Z";

describe.skipIf(!hasGit)("a 10,000-entry vault", () => {
  it("syncs two machines' changes through git and its merge driver, as the content merges in memory", async () => {
    using remote = bareRemote();
    await using a = await machine("A");
    await using b = await machine("B");
    const drafts = Array.from({ length: N }, (_, i) => totp(`Issuer${i}`, newSecret(), { account: `user${i}@example.com` }));
    const { bytes } = await createVault(TEST_PASSWORD, addEntries(emptyData(NOW), drafts, newId, NOW).data, CHEAP_KDF);
    mkdirSync(dirname(a.vault), { recursive: true, mode: 0o700 });
    chmodSync(dirname(a.vault), 0o700);
    writeFileSync(a.vault, bytes, { mode: 0o600 });
    expect(a.envelope().minor).toBe(3);

    expectOk(a.otp(["sync", "init", remote.path]));
    expectOk(b.otp(["sync", "init", remote.path]));
    const start = await a.data();
    expect(entriesOf(await b.data())).toBe(entriesOf(start));

    // Apart: A adds one and edits one; B removes one and adds one.
    expectOk(a.otp(["add", "a-new", "--stdin"], { input: newSecret() + "\n" }));
    expectOk(a.otp(["edit", "Issuer9999", "--notes", "edited on A"]));
    expectOk(b.otp(["rm", "Issuer5000", "--yes"]));
    expectOk(b.otp(["add", "b-new", "--stdin"], { input: newSecret() + "\n" }));
    const [da, db] = [await a.data(), await b.data()];

    expectOk(a.otp(["sync"]));
    const merged = b.otp(["sync"]); // B merges A's pushed change with its own
    expectOk(merged);
    expectOk(a.otp(["sync"]));
    const [fa, fb] = [await a.data(), await b.data()];
    expect(entriesOf(fb)).toBe(entriesOf(fa));
    expect(serializeData({ ...fa, meta: {} })).toBe(serializeData({ ...mergeData(db, da), meta: {} }));
    expect(fa.entries).toHaveLength(N + 1);
    expect(fa.entries.find((e) => e.name === "Issuer9999")!.notes).toBe("edited on A");
    expect(fa.entries.some((e) => e.name === "Issuer5000")).toBe(false);
    expect(a.git(["rev-parse", "HEAD"])).toBe(b.git(["rev-parse", "HEAD"]));
    expect(a.git(["status", "--porcelain"])).toBe("");
    // Both machines read it through the index: a code, and the names.
    expect(expectOk(b.otp(["code", "a-new"]))).toMatch(/^\d{6}\n$/);
    expect(
      expectOk(a.otp(["list"]))
        .trim()
        .split("\n"),
    ).toHaveLength(N + 1);
  });
});
