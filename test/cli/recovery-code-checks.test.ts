// In-process (test/helpers/cli-run.ts). Recovery codes are checked where they come in (the rule is recoveryCodeProblem in
// src/core/recovery-codes.ts: 4 to 64 characters after trimming, no control, bidi or line-break
// characters). `otp recovery add` refuses such input whole, naming the line; an import keeps the
// entry and its good codes and skips the bad ones with a warning that names the entry, never a code.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, newSecret, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const OSC52 = "rc1\u001b]52;c;SGVsbG8=\u0007\u001b[2J";
const RLO = "rc2-\u202eabcd";
const C1 = "rc3-\u009b2J";

const revealed = async (h: Awaited<ReturnType<typeof otpHome>>, query: string) =>
  (
    JSON.parse(expectOk(await otp(h, ["recovery", "list", query, "--json", "--reveal"]))).codes as { code: string; usedAt: string | null }[]
  ).map(({ code, usedAt }) => ({ code, usedAt }));

describe("recovery codes are checked where they come in", () => {
  it.each([
    ["a right-to-left override", RLO],
    ["a C1 control", C1],
    ["an OSC 52 sequence", OSC52],
    ["a zero-width space", "abcd\u200befgh"],
  ])("otp recovery add refuses a code with %s, naming the line, and keeps the vault as it was", async (_, bad) => {
    using h = await otpHome([totp("github", newSecret(), { issuer: "GitHub" })]);
    const before = sha256(h.vault);
    const r = await otp(h, ["recovery", "add", "github"], { input: `good-code-1\n${bad}\n` });
    expectFailure(r, 2, "line 2 does not look like recovery codes");
    expect(r.stderr).not.toContain(bad);
    expect(sha256(h.vault)).toBe(before);
  });

  it("an otp JSON import skips bad codes with a warning naming the entry; the good ones and the entry land", async () => {
    using h = await otpHome([]);
    const file = join(h.home, "export.json");
    writeFileSync(
      file,
      JSON.stringify({
        format: "otpvault-export",
        version: 1,
        exportedAt: "2026-01-01T00:00:00Z",
        entries: [
          {
            name: "github",
            issuer: "GitHub",
            account: "me",
            type: "totp",
            secret: newSecret(),
            algorithm: "SHA1",
            digits: 6,
            period: 30,
            recoveryCodes: [
              { code: "good-code-1", usedAt: null },
              { code: OSC52, usedAt: null },
              { code: RLO, usedAt: null },
              { code: "  good-code-2 ", usedAt: "2026-01-02T00:00:00Z" },
              { code: C1, usedAt: null },
            ],
          },
        ],
      }),
    );
    const r = await otp(h, ["import", file]);
    expect(expectOk(r)).toBe("added github\n");
    expect(r.stderr).toContain("entry 1 (github): skipped 3 recovery codes");
    for (const bad of [OSC52, RLO, C1, "rc1", "rc2", "rc3"]) expect(r.stdout + r.stderr).not.toContain(bad);
    expect(await revealed(h, "github")).toEqual([
      { code: "good-code-1", usedAt: null },
      { code: "good-code-2", usedAt: "2026-01-02T00:00:00Z" },
    ]);
  });

  it("a Steam file's bad revocation code is skipped; the account still lands", async () => {
    using h = await otpHome([]);
    const file = join(h.home, "Steamguard-1");
    writeFileSync(
      file,
      JSON.stringify({
        shared_secret: Buffer.from(newSecret()).toString("base64"),
        account_name: "gamer",
        revocation_code: `R1\u001b[2J${"\u0007"}`,
      }),
    );
    const r = await otp(h, ["import", file]);
    expect(expectOk(r)).toBe("added Steam\n");
    expect(r.stderr).toContain("account 1 (gamer): skipped 1 recovery code");
    expect(readFileSync(file, "utf8")).toContain("R1");
    expect(r.stderr).not.toContain("R1");
    expect(await revealed(h, "steam")).toEqual([]);
  });
});
