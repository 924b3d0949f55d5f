// In-process (test/helpers/cli-run.ts). `otp export` and `otp import` (docs/testplan.md G.50, I): plain exports need --plain,
// --output files are 0600 and never clobber (nor the vault), imports take the good lines of a
// URI list and report the bad ones by number, skip duplicates, and a round trip through
// `export | import` keeps every entry and its codes.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp, type RunResult } from "../helpers/otp-home.js";
import { expectFailure, expectOk, modeOf, names, newSecret, sha256, tmpFilesUnder, totpRef } from "../helpers/e2e-util.js";
import { otpIn as otp, otpIn as otpAsync } from "../helpers/cli-run.js";

describe("otp export", () => {
  it("needs --plain; then one otpauth URI per entry on stdout, with a warning on stderr", async () => {
    const [s1, s2] = [newSecret(), newSecret()];
    await using h = await otpHome([totp("github", s1, { issuer: "GitHub", account: "octo@example.com" }), hotp("bank", s2, 7)]);
    expectFailure(await otp(h, ["export"]), 2, "--plain", [s1, s2]);
    expectFailure(await otp(h, ["export", "--format", "uri"]), 2, "--plain", [s1, s2]);
    const r = await otp(h, ["export", "--plain"]);
    const lines = expectOk(r).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`otpauth://totp/GitHub:octo%40example.com?secret=${s1}&issuer=GitHub&algorithm=SHA1&digits=6&period=30`);
    expect(lines[1]).toBe(`otpauth://hotp/bank:bank%40example.com?secret=${s2}&issuer=bank&algorithm=SHA1&digits=6&counter=7`);
    expect(r.stderr).toMatch(/in the clear/);
  });

  it("--output: a 0600 file; refuses an existing file without --force; refuses the vault and its snapshots", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("github", s)]);
    const out = join(h.home, "seeds.txt");
    const r = await otp(h, ["export", "--plain", "--output", out]);
    expect(expectOk(r)).toBe("");
    expect(modeOf(out)).toBe(0o600);
    expect(readFileSync(out, "utf8")).toContain(`secret=${s}`);
    expect(tmpFilesUnder(h.home)).toEqual([]);

    writeFileSync(out, "keep me\n");
    expectFailure(await otp(h, ["export", "--plain", "--output", out]), 1, "already exists", [s]);
    expect(readFileSync(out, "utf8")).toBe("keep me\n");
    expectOk(await otp(h, ["export", "--plain", "--output", out, "--force"]));
    expect(readFileSync(out, "utf8")).toContain(`secret=${s}`);
    expect(modeOf(out)).toBe(0o600);

    const sum = sha256(h.vault);
    expectFailure(await otp(h, ["export", "--plain", "--output", h.vault]), 2, "is the vault", [s]);
    expectFailure(await otp(h, ["export", "--plain", "--output", h.vault, "--force"]), 2, "is the vault", [s]);
    expect(sha256(h.vault)).toBe(sum);
    expectOk(await otp(h, ["edit", "github", "--name", "gh"])); // leaves a snapshot
    const snapDir = join(dirname(h.vault), "snapshots");
    const snap = join(snapDir, readdirSync(snapDir)[0]!);
    const snapSum = sha256(snap);
    expectFailure(await otp(h, ["export", "--plain", "--output", snap, "--force"]), 2, "snapshots", [s]);
    expect(sha256(snap)).toBe(snapSum);
    expect(tmpFilesUnder(dirname(h.vault))).toEqual([]);
  });
});

describe("otp import", () => {
  it("a URI list with blank lines, comments and 2 bad lines: good ones added, bad ones reported by line, duplicates skipped and counted", async () => {
    const [held, a, b, c] = [newSecret(), newSecret(), newSecret(), newSecret()];
    await using h = await otpHome([totp("held", held)]);
    const file = join(h.home, "list.txt");
    writeFileSync(
      file,
      [
        "# exported from somewhere", // 1
        "", // 2
        `otpauth://totp/Alpha:a%40x.example?secret=${a}&issuer=Alpha`, // 3
        "this is not a uri", // 4
        "   ", // 5
        `otpauth://hotp/Beta:b?secret=${b}&issuer=Beta&counter=3&digits=8`, // 6
        `otpauth://totp/Broken:x?issuer=Broken`, // 7: no secret
        `otpauth://totp/Held:h?secret=${held}&issuer=Held`, // 8: already in the vault
        `otpauth://totp/Gamma:c?secret=${c}&issuer=Gamma&period=60`, // 9
        `otpauth://totp/Alpha2:a?secret=${a.toLowerCase()}&issuer=Alpha2`, // 10: duplicate of line 3
        "",
      ].join("\n"),
    );
    const r = await otp(h, ["import", file]);
    expect(expectOk(r)).toBe("added Alpha\nadded Beta\nadded Gamma\n");
    expect(r.stderr).toMatch(/line 4: not an otpauth/);
    expect(r.stderr).toMatch(/line 7: .*no secret/);
    expect(r.stderr).not.toMatch(/line (1|2|3|5|6|8|9|10|11)\b/);
    expect(r.stderr).toMatch(/added 3, skipped 2 already in the vault, refused 2/);
    for (const s of [held, a, b, c]) expect(r.stderr.toUpperCase()).not.toContain(s);
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["held", "Alpha", "Beta", "Gamma"]);
    expect(JSON.parse(expectOk(await otp(h, ["show", "Beta", "--json"])))).toMatchObject({
      type: "hotp",
      counter: 3,
      digits: 8,
      account: "b",
    });
    expect(expectOk(await otp(h, ["code", "Gamma", "--at", "1767225600"]))).toBe(totpRef(c, 1767225600_000, { period: 60 }) + "\n");
    // Importing the same file again adds nothing.
    const again = await otp(h, ["import", file]);
    expect(expectOk(again)).toBe("");
    expect(again.stderr).toMatch(/added 0, skipped 5 already in the vault, refused 2/);
  });

  it("a file of only bad lines: exit 2, each reported by line, the vault untouched", async () => {
    await using h = await otpHome([totp("held", newSecret())]);
    const file = join(h.home, "bad.txt");
    writeFileSync(file, "hello\notpauth://totp/x?issuer=x\n# only a comment\n");
    const sum = sha256(h.vault);
    const r = await otp(h, ["import", file]);
    expectFailure(r, 2, "nothing to import: 2 bad entries", [], { warningsFirst: true });
    expect(r.stderr).toMatch(/line 1: not an otpauth/);
    expect(r.stderr).toMatch(/line 2: .*no secret/);
    expect(sha256(h.vault)).toBe(sum);
    expectFailure(await otp(h, ["import", join(h.home, "missing.txt")]), 2, "cannot read");
    expectFailure(await otp(h, ["import", h.home]), 2, "not a regular file");
    expect(sha256(h.vault)).toBe(sum);
  });

  // The §8 invariant: a failure's first stderr line is the `otp: error:` line (scripts read it).
  it("a file of only bad lines: the error is the first line of stderr, the line reports after it", async () => {
    await using h = await otpHome([totp("held", newSecret())]);
    const file = join(h.home, "bad.txt");
    writeFileSync(file, "hello\notpauth://totp/x?issuer=x\n");
    const r = await otp(h, ["import", file]);
    expectFailure(r, 2, "nothing to import");
    expect(r.stderr).toMatch(/line 1:/);
  });

  it("`-` reads standard input", async () => {
    const s = newSecret();
    await using h = await otpHome([]);
    const r = await otp(h, ["import", "-"], { input: `otpauth://totp/Piped:me?secret=${s}&issuer=Piped\n` });
    expect(expectOk(r)).toBe("added Piped\n");
    expect(expectOk(await otp(h, ["code", "Piped", "--at", "59"]))).toBe(totpRef(s, 59_000) + "\n");
  });

  it("--dry-run says what it would add and changes nothing", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("held", newSecret())]);
    const sum = sha256(h.vault);
    const r = await otp(h, ["import", "--dry-run", "-"], { input: `otpauth://totp/Dry:me?secret=${s}&issuer=Dry\n` });
    expect(expectOk(r)).toBe("would add Dry\n");
    expect(sha256(h.vault)).toBe(sum);
    expect(existsSync(join(dirname(h.vault), "snapshots"))).toBe(false);
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["held"]);
  });
});

describe("round trip", () => {
  it("export --format uri --plain | import into a fresh vault: the same entries and the same codes", async () => {
    const secrets = [newSecret(), newSecret(32), newSecret(64), newSecret(), newSecret()];
    await using a = await otpHome([
      totp("GitHub", secrets[0]!, { issuer: "GitHub", account: "octo@example.com" }),
      totp("Corp & Co", secrets[1]!, { issuer: "Corp & Co", account: "me:work@corp.example", algorithm: "SHA256", digits: 8, period: 60 }),
      totp("Ünïcødé", secrets[2]!, { issuer: "Ünïcødé", account: "δοκιμή", algorithm: "SHA512", digits: 10, period: 15 }),
      { ...hotp("Bank", secrets[3]!, 123456), digits: 7 },
      totp("Steam", secrets[4]!, { issuer: "Steam", account: "gamer", type: "steam", digits: 5 }),
    ]);
    await using b = await otpHome([]);
    const exported = expectOk(await otp(a, ["export", "--format", "uri", "--plain"]));
    const imported = await otp(b, ["import", "-"], { input: exported });
    expect(expectOk(imported).split("\n").filter(Boolean)).toHaveLength(5);

    const strip = (list: Record<string, unknown>[]) => list.map(({ id, createdAt, updatedAt, ...rest }) => rest);
    const before = strip(JSON.parse(expectOk(await otp(a, ["list", "--json"]))));
    const after = strip(JSON.parse(expectOk(await otp(b, ["list", "--json"]))));
    expect(after).toEqual(before);
    const revealed = await Promise.all(before.map((e) => otpAsync(b, ["show", e.name as string, "--reveal", "--json"])));
    revealed.forEach((r, i) => expect(JSON.parse(expectOk(r)).secret, before[i]!.name as string).toBe(secrets[i]));
    const runs: [string, Promise<RunResult>, Promise<RunResult>][] = [];
    for (const t of ["59", "2000000000"])
      for (const e of before.filter((x) => x.type !== "hotp")) {
        const args = ["code", e.name as string, "--at", t];
        runs.push([`${e.name} at ${t}`, otpAsync(a, args), otpAsync(b, args)]);
      }
    for (const [what, ra, rb] of runs) expect(expectOk(await rb), what).toBe(expectOk(await ra));
    expect(expectOk(await otp(b, ["code", "Bank"]))).toBe(expectOk(await otp(a, ["code", "Bank"])));
    // And both export the same list (HOTP counters moved on alike).
    expect(expectOk(await otp(b, ["export", "--plain"]))).toBe(expectOk(await otp(a, ["export", "--plain"])));
  }, 60_000);
});
