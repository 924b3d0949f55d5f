// In-process (test/helpers/cli-run.ts). `otp list`, `show`, `edit`, `remove`: what they print (never a secret or a recovery code
// unless asked), what they change, and what they refuse.
import { describe, expect, it } from "vitest";
import type { VaultData } from "../../src/core/vault/model.js";
import { hotp, otpHome, totp } from "../helpers/otp-home.js";
import {
  expectFailure,
  expectNoSecret,
  expectOk,
  hotpRef,
  names,
  newSecret,
  sha256,
  totpRef,
  writeVaultData,
} from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const T0 = "2026-01-01T00:00:00.000Z";
const RC_UNUSED = ["7QX4-2LMB-99ZT", "K3V8-PP0R-51AA"];
const RC_USED = "M0NK-EY5Z-0001";

/** A vault whose "github" entry keeps recovery codes (two unused, one used). */
function dataWithRecoveryCodes(sGithub: string, sBank: string): VaultData {
  const base = { issuer: "", account: "", algorithm: "SHA1" as const, digits: 6, tags: [], notes: "", createdAt: T0, updatedAt: T0 };
  return {
    entries: [
      {
        ...base,
        id: "a".repeat(32),
        name: "github",
        issuer: "GitHub",
        account: "octo@example.com",
        type: "totp",
        secret: sGithub,
        period: 30,
        tags: ["dev"],
        notes: "personal",
        recoveryCodes: [...RC_UNUSED.map((code) => ({ code, usedAt: null })), { code: RC_USED, usedAt: T0 }],
      },
      {
        ...base,
        id: "b".repeat(32),
        name: "bank",
        issuer: "Bank",
        account: "me",
        type: "hotp",
        secret: sBank,
        counter: 4,
        recoveryCodes: [],
      },
    ],
    tombstones: [],
    meta: { createdAt: T0 },
  };
}

describe("otp list", () => {
  it("names, one a line, in order; `ls`; a QUERY filters", async () => {
    await using h = await otpHome([totp("github", newSecret()), totp("gitlab", newSecret()), totp("bank", newSecret())]);
    expect(expectOk(await otp(h, ["list"]))).toBe("github\ngitlab\nbank\n");
    expect(expectOk(await otp(h, ["ls"]))).toBe("github\ngitlab\nbank\n");
    expect(expectOk(await otp(h, ["list", "git"]))).toBe("github\ngitlab\n");
  });

  it("an empty vault: nothing on stdout, a hint on stderr", async () => {
    await using h = await otpHome([]);
    const r = await otp(h, ["list"]);
    expect(expectOk(r)).toBe("");
    expect(r.stderr).toMatch(/otp add/);
  });

  it("--json: every field but the secret; recovery codes only as counts", async () => {
    const [s1, s2] = [newSecret(), newSecret()];
    await using h = await otpHome();
    await writeVaultData(h.vault, dataWithRecoveryCodes(s1, s2));
    const out = expectOk(await otp(h, ["list", "--json"]));
    const list = JSON.parse(out);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({
      name: "github",
      issuer: "GitHub",
      account: "octo@example.com",
      type: "totp",
      algorithm: "SHA1",
      digits: 6,
      period: 30,
      tags: ["dev"],
      notes: "personal",
      recoveryCodes: { total: 3, unused: 2 },
    });
    expect(list[1]).toMatchObject({ name: "bank", type: "hotp", counter: 4 });
    expect(out).not.toMatch(/"secret"/);
    for (const s of [s1, s2]) expectNoSecret(out, s);
    for (const rc of [...RC_UNUSED, RC_USED]) expect(out).not.toContain(rc);
  });
});

describe("otp show", () => {
  it("every field but the secret; --json likewise; no recovery code values", async () => {
    const [s1, s2] = [newSecret(), newSecret()];
    await using h = await otpHome();
    await writeVaultData(h.vault, dataWithRecoveryCodes(s1, s2));
    const text = expectOk(await otp(h, ["show", "github"]));
    expect(text).toMatch(/^name: +github$/m);
    expect(text).toMatch(/^issuer: +GitHub$/m);
    expect(text).toMatch(/^account: +octo@example\.com$/m);
    expect(text).toMatch(/^recovery codes: +2 unused of 3$/m);
    expect(text).not.toMatch(/secret|otpauth:/i);
    const json = expectOk(await otp(h, ["show", "github", "--json"]));
    expect(JSON.parse(json).secret).toBeUndefined();
    for (const out of [text, json]) {
      expectNoSecret(out, s1);
      for (const rc of [...RC_UNUSED, RC_USED]) expect(out).not.toContain(rc);
    }
  });

  it("--reveal adds the secret and an otpauth URI that gives the same codes", async () => {
    const s = newSecret(32);
    await using h = await otpHome([
      totp("work", s, { issuer: "Corp & Co", account: "me@corp.example", algorithm: "SHA256", digits: 8, period: 60 }),
    ]);
    const text = expectOk(await otp(h, ["show", "work", "--reveal"]));
    expect(text.replace(/ /g, "")).toContain(s);
    const uri = /^uri: +(otpauth:\S+)$/m.exec(text)?.[1];
    expect(uri).toBeDefined();
    const u = new URL(uri!);
    expect(u.searchParams.get("secret")).toBe(s);
    expect(u.searchParams.get("issuer")).toBe("Corp & Co");
    expect(u.searchParams.get("algorithm")).toBe("SHA256");
    expect(u.searchParams.get("digits")).toBe("8");
    expect(u.searchParams.get("period")).toBe("60");
    expect(decodeURIComponent(u.pathname)).toBe("/Corp & Co:me@corp.example");
    // The URI read back by otp itself gives the same code.
    await using h2 = await otpHome([]);
    expectOk(await otp(h2, ["add", "back", "--uri", uri!]));
    const at = ["--at", "1767225600"];
    expect(expectOk(await otp(h2, ["code", "back", ...at]))).toBe(expectOk(await otp(h, ["code", "work", ...at])));
    expect(expectOk(await otp(h, ["code", "work", ...at]))).toBe(
      totpRef(s, 1767225600_000, { alg: "sha256", digits: 8, period: 60 }) + "\n",
    );
    expect(JSON.parse(expectOk(await otp(h, ["show", "work", "--reveal", "--json"])))).toMatchObject({ secret: s, uri });
  });
});

describe("otp edit", () => {
  it("rename, issuer, account, tags, digits", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s), totp("other", newSecret())]);
    const r = await otp(h, [
      "edit",
      "github",
      "--name",
      "gh",
      "--issuer",
      "Octo Inc",
      "--account",
      "me@x.example",
      "--tag",
      "a",
      "--tag",
      "b",
      "--digits",
      "8",
    ]);
    expect(expectOk(r)).toBe("");
    expect(r.stderr).toContain('updated "gh"');
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["gh", "other"]);
    expect(JSON.parse(expectOk(await otp(h, ["show", "gh", "--json"])))).toMatchObject({
      name: "gh",
      issuer: "Octo Inc",
      account: "me@x.example",
      tags: ["a", "b"],
      digits: 8,
    });
    expect(expectOk(await otp(h, ["code", "gh", "--at", "59"]))).toBe(totpRef(s, 59_000, { digits: 8 }) + "\n");
    expectFailure(await otp(h, ["code", "github"]), 3, "no entry matches", [s]);
    expectOk(await otp(h, ["edit", "gh", "--no-tags"]));
    expect(JSON.parse(expectOk(await otp(h, ["show", "gh", "--json"]))).tags).toEqual([]);
  });

  it("an HOTP counter", async () => {
    const s = newSecret();
    await using h = await otpHome([hotp("bank", s, 3)]);
    expectOk(await otp(h, ["edit", "bank", "--counter", "42"]));
    expect(expectOk(await otp(h, ["code", "bank"]))).toBe(hotpRef(s, 42) + "\n");
    expect(JSON.parse(expectOk(await otp(h, ["show", "bank", "--json"]))).counter).toBe(43);
  });

  it("refuses a name already taken, bad digits, a counter on TOTP, nothing to change; the vault untouched", async () => {
    const [s1, s2] = [newSecret(), newSecret()];
    await using h = await otpHome([totp("github", s1), totp("gitlab", s2)]);
    const sum = sha256(h.vault);
    expectFailure(await otp(h, ["edit", "github", "--name", "gitlab"]), 2, 'named "gitlab" already exists', [s1, s2]);
    expectFailure(await otp(h, ["edit", "github", "--digits", "11"]), 2, "digits", [s1, s2]);
    expectFailure(await otp(h, ["edit", "github", "--counter", "3"]), 2, "counter", [s1, s2]);
    expectFailure(await otp(h, ["edit", "github"]), 2, "nothing to change", [s1, s2]);
    expect(sha256(h.vault)).toBe(sum);
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["github", "gitlab"]);
  });
});

describe("otp remove", () => {
  it("--yes removes the one entry and leaves the others; `rm` too", async () => {
    const [s1, s2, s3] = [newSecret(), newSecret(), newSecret()];
    await using h = await otpHome([totp("github", s1), totp("gitlab", s2), totp("bank", s3)]);
    const r = await otp(h, ["remove", "gitlab", "--yes"]);
    expect(expectOk(r)).toBe("");
    expect(r.stderr).toContain("removed gitlab");
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["github", "bank"]);
    expect(expectOk(await otp(h, ["code", "github", "--at", "59"]))).toBe(totpRef(s1, 59_000) + "\n");
    expectOk(await otp(h, ["rm", "bank", "-y"]));
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["github"]);
    expectFailure(await otp(h, ["remove", "bank", "--yes"]), 3, "no entry matches", [s1]);
    // An ambiguous query removes nothing.
    expectOk(await otp(h, ["add", "gitea", "--stdin"], { input: newSecret() }));
    expectFailure(await otp(h, ["remove", "git", "--yes"]), 3, "matches 2 entries", [s1]);
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["github", "gitea"]);
  });
});
