// In-process (test/helpers/cli-run.ts). Nothing from a vault, an import or a file name steers the terminal (the rule is
// at the top of src/core/text.ts). A vault holds names, issuers, accounts, tags, notes, recovery
// codes and a usedAt with ESC/BEL/OSC 52/C1/bidi characters (as an older otp, a hand-made backup
// or a synced machine could leave them), and every command that prints them is run: no such
// character may reach stdout or stderr, and --json still parses back to the exact data.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, type OtpHome } from "../helpers/otp-home.js";
import { expectOk, newSecret, type RunOpts } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { entry, vaultData, writeSafeVault } from "../helpers/safety-vault.js";
import type { RunResult } from "../helpers/otp-home.js";

/** Every character a terminal may act on but the newline: C0, DEL, C1, bidi controls, U+2028/9. */
const ACTS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

// OSC 52 (set the clipboard), BEL, a screen clear, a C1 CSI and a right-to-left override.
const NAME = "evil\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m\u202eexe.txt";
const ISSUER = "Iss\u001b[31mR\u2066";
const ACCOUNT = "acc\u2028ount\u0007";
const CODES = [
  { code: "rc1\u001b]52;c;SGVsbG8=\u0007\u001b[2J", usedAt: null },
  { code: "rc2-\u202eabcd", usedAt: null },
  { code: "rc3-\u009b2J", usedAt: null },
  { code: "rc4-used", usedAt: "2026\u001b[2J" },
];

async function hostileHome(): Promise<OtpHome> {
  const h = await otpHome();
  const e = entry(NAME, newSecret(), {
    issuer: ISSUER,
    account: ACCOUNT,
    tags: ["t\u001b[1m"],
    notes: "n\u001b[2J\u0085",
    recoveryCodes: CODES.map((c) => ({ ...c })),
  });
  const other = entry("other\u001b[5m\u202e", newSecret(), { issuer: "Other" });
  await writeSafeVault(h.vault, vaultData([e, other]));
  return h;
}

const shown = (r: RunResult) => `exit ${r.code}\n--- stdout\n${JSON.stringify(r.stdout)}\n--- stderr\n${JSON.stringify(r.stderr)}`;

/** Runs otp and checks that neither stream carries a character a terminal acts on. */
async function safeRun(h: OtpHome, args: string[], o: RunOpts = {}): Promise<RunResult> {
  const r = await otp(h, args, o);
  expect(r.code, `otp ${JSON.stringify(args)} crashed: ${shown(r)}`).not.toBeNull();
  expect(r.stderr, `otp ${JSON.stringify(args)}: internal error`).not.toMatch(/internal error/);
  expect(r.stdout, `stdout of otp ${JSON.stringify(args)}: ${shown(r)}`).not.toMatch(ACTS);
  expect(r.stderr, `stderr of otp ${JSON.stringify(args)}: ${shown(r)}`).not.toMatch(ACTS);
  return r;
}

describe("no control or bidi character from a vault reaches the terminal", () => {
  it("list, show, code, recovery list/use, audit, verify, edit, remove, and the ambiguous-query candidates", async () => {
    using h = await hostileHome();
    expect(expectOk(await safeRun(h, ["list"]))).toContain("evil\\u{1b}]52;c;ZXZpbA==\\u{7}");
    await safeRun(h, ["list", "evil"]);
    await safeRun(h, ["show", "evil"]);
    await safeRun(h, ["show", "evil", "--reveal"]);
    await safeRun(h, ["code", "evil"]);
    await safeRun(h, ["recovery", "list", "evil"]);
    await safeRun(h, ["recovery", "list", "evil", "--reveal"]);
    // handed out in order; each printed escaped, with the "few left" warning naming the entry
    const used: string[] = [];
    for (let i = 0; i < 3; i++) used.push(expectOk(await safeRun(h, ["recovery", "use", "evil"])).trim());
    expect(used).toEqual(["rc1\\u{1b}]52;c;SGVsbG8=\\u{7}\\u{1b}[2J", "rc2-\\u{202e}abcd", "rc3-\\u{9b}2J"]);
    await safeRun(h, ["recovery", "use", "evil"]); // none left: the error names the entry
    expect((await safeRun(h, ["audit"])).code).toBe(1);
    expect((await safeRun(h, ["verify", "evil", "000000"])).code).toBe(1);
    expect((await safeRun(h, ["show", ""])).code).toBe(3); // both match: the candidates are listed
    expect((await safeRun(h, ["code", "nothing\u001b[2J\u202e"])).code).toBe(3);
    expectOk(await safeRun(h, ["edit", "evil", "--notes", "calm"]));
    expectOk(await safeRun(h, ["remove", "other", "--yes"]));
  }, 60_000);

  it("--json is escaped past JSON.stringify (C1, bidi) and still parses to the exact data", async () => {
    using h = await hostileHome();
    const list = JSON.parse(expectOk(await safeRun(h, ["list", "--json"])));
    expect(list.map((e: { name: string }) => e.name)).toEqual([NAME, "other\u001b[5m\u202e"]);
    expect(list[0].issuer).toBe(ISSUER);
    expect(list[0].account).toBe(ACCOUNT);
    expect(JSON.parse(expectOk(await safeRun(h, ["show", "evil", "--json"]))).notes).toBe("n\u001b[2J\u0085");
    expect(JSON.parse(expectOk(await safeRun(h, ["code", "evil", "--json"]))).name).toBe(NAME);
    expect(
      JSON.parse(expectOk(await safeRun(h, ["recovery", "list", "evil", "--json", "--reveal"]))).codes.map((c: { code: string }) => c.code),
    ).toEqual(CODES.map((c) => c.code));
    expect(JSON.parse((await safeRun(h, ["audit", "--json"])).stdout).ok).toBe(false);
  }, 60_000);

  it("plain exports to standard output: uri, json and aegis parse back; the HTML kit escapes", async () => {
    using h = await hostileHome();
    await safeRun(h, ["export", "--format", "uri", "--plain"]);
    const json = JSON.parse(expectOk(await safeRun(h, ["export", "--format", "json", "--plain"])));
    expect(json.entries[0].name).toBe(NAME);
    expect(json.entries[0].recoveryCodes[1].code).toBe(CODES[1]!.code);
    const aegis = JSON.parse(expectOk(await safeRun(h, ["export", "--format", "aegis", "--plain"])));
    expect([aegis.db.entries[0].issuer, aegis.db.entries[0].name]).toEqual([ISSUER, ACCOUNT]);
    const html = expectOk(await safeRun(h, ["export", "--format", "html", "--plain"]));
    expect(html).toContain("evil\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{1b}[2J\\u{9b}31m\\u{202e}exe.txt");
    expect(html).toContain("n\\u{1b}[2J\\u{85}");
  }, 60_000);

  it("import: names and file names in warnings and in `added …`; completion --entries leaves such names out", async () => {
    using h = await hostileHome();
    const dir = join(h.home, "in\u001b[2J\u202e");
    mkdirSync(dir);
    const file = join(dir, "export\u0007.json");
    writeFileSync(
      file,
      JSON.stringify({
        format: "otpvault-export",
        version: 1,
        exportedAt: "2026-01-01T00:00:00Z",
        entries: [
          {
            name: "imp\u001b[2J\u202e",
            issuer: "I\u009b",
            account: "a",
            type: "totp",
            secret: newSecret(),
            algorithm: "SHA1",
            digits: 6,
            period: 30,
            recoveryCodes: [
              { code: "ok-code-1", usedAt: null },
              { code: "bad\u001b[2J", usedAt: null },
            ],
          },
          { name: "broken\u001b[2J", type: "nope", secret: "x" },
        ],
      }),
    );
    const dry = await safeRun(h, ["import", "--dry-run", file]);
    expect(expectOk(dry)).toContain("would add imp\\u{1b}[2J\\u{202e}");
    expect(dry.stderr).toContain("broken\\u{1b}[2J");
    expectOk(await safeRun(h, ["import", file]));
    const garbage = join(dir, "garbage\u001b]0;title\u0007.txt");
    writeFileSync(garbage, "not an export at all\n");
    expect((await safeRun(h, ["import", garbage])).code).toBe(2);
    const session = expectOk(await safeRun(h, ["unlock"]))
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    const names = expectOk(await safeRun(h, ["completion", "--entries"], { password: false, env: { OTP_SESSION: session } }));
    expect(names).not.toContain("evil");
  }, 60_000);

  it("backup, and restore's report in another vault", async () => {
    using h = await hostileHome();
    // `otp backup` prints the path it was given on stdout as it is (src/cli/commands/backup/backup.ts):
    // the user's own argument, so the backup is written under a plain name and renamed.
    const plain = join(h.home, "b.otp");
    const file = join(h.home, "b\u001b[2J.otp");
    expectOk(await safeRun(h, ["backup", plain]));
    renameSync(plain, file);
    using fresh = await otpHome();
    await writeSafeVault(fresh.vault, vaultData([]));
    expect(expectOk(await safeRun(fresh, ["restore", "--dry-run", file]))).toContain("would add evil\\u{1b}");
  }, 60_000);
});
