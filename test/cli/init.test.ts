// In-process (test/helpers/cli-run.ts). `otp init` (docs/testplan.md B.15): the only e2e tests that run the real KDF, so few.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, names, newSecret, otpNullStdin, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { DEFAULT_ARGON2 } from "../../src/core/vault/kdf.js";

describe("otp init", () => {
  it("refuses an existing vault: exit 1, the vault untouched", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("keep", s)]);
    const sum = sha256(h.vault);
    const r = await otp(h, ["init"], { env: { OTP_PASSWORD: "another" } });
    expectFailure(r, 1, "already exists", [s]);
    expect(r.stderr).toContain(h.vault);
    expect(sha256(h.vault)).toBe(sum);
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["keep"]);
  });

  it("--password-file: the first line only, CRLF stripped, spaces kept; then the vault opens with that password", async () => {
    await using h = await otpHome();
    const file = join(h.home, "pw.txt");
    writeFileSync(file, " pass word \r\nsecond line\n", { mode: 0o600 });
    // The product's own KDF cost (the command tests otherwise make cheap slots: cli-run.ts).
    const r = await otp(h, ["--password-file", file, "init"], { password: false, kdf: DEFAULT_ARGON2 });
    expect(r.code, r.stderr).toBe(0);
    // the recovery key, alone (test/e2e/recovery.test.ts has the rest)
    expect(r.stdout).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){6}\n$/);
    expect(r.stderr).toContain(h.vault);
    expect(existsSync(h.vault)).toBe(true);
    expect(JSON.parse(readFileSync(h.vault, "utf8")).slots[0].kdf).toMatchObject({ ops: 3, mem: 64 * 1024 * 1024 });
    // An empty vault that opens with exactly " pass word " …
    expect(expectOk(await otp(h, ["list"], { env: { OTP_PASSWORD: " pass word " } }))).toBe("");
    // … and not with the spaces trimmed.
    expectFailure(await otp(h, ["list"], { env: { OTP_PASSWORD: "pass word" } }), 4, "wrong password");
  });

  it("an empty password: exit 2, no vault created", async () => {
    await using h = await otpHome();
    expectFailure(await otp(h, ["init"], { env: { OTP_PASSWORD: "" } }), 2, "can't be empty");
    expect(existsSync(h.vault)).toBe(false);
  });

  it("no password source off a terminal: exit 4, no vault created", async () => {
    await using h = await otpHome();
    expectFailure(otpNullStdin(h, ["init"], { password: false }), 4, "no password given");
    expect(existsSync(h.vault)).toBe(false);
    expect(existsSync(dirname(h.vault))).toBe(false);
  });
});

describe("password sources (docs/cli-contract.md order: --password-file, OTP_PASSWORD, OTP_SESSION, prompt)", () => {
  it("--password-file wins over OTP_PASSWORD; `-` reads standard input; first line only, CRLF stripped", async () => {
    const s = newSecret();
    await using h = await otpHome([totp("keep", s)]);
    const file = join(h.home, "pw");
    writeFileSync(file, "test\r\nnot this line\n", { mode: 0o600 });
    expect(expectOk(await otp(h, ["--password-file", file, "list"], { env: { OTP_PASSWORD: "wrong" } }))).toBe("keep\n");
    expect(expectOk(await otp(h, ["--password-file", "-", "list"], { password: false, input: "test\n" }))).toBe("keep\n");
    expect(expectOk(await otp(h, ["--password-file", "-", "list"], { password: false, input: "test" }))).toBe("keep\n");
    writeFileSync(file, "wrong\ntest\n");
    expectFailure(await otp(h, ["--password-file", file, "list"]), 4, "wrong password", [s, "test"]);
    // --stdin and --password-file - cannot share standard input.
    expectFailure(
      await otp(h, ["--password-file", "-", "add", "x", "--stdin"], { password: false, input: "test\n" + newSecret() }),
      2,
      "standard input",
      [s],
    );
  });

  it("new password slots (init, passwd, a backup's own password) take the cost the context gives: the product's is today's default", async () => {
    await using h = await otpHome();
    const kdfOf = (bytes: string) => JSON.parse(bytes).slots.find((s: { kind: string }) => s.kind === "password").kdf;
    const low = { ops: 1, mem: 16 * 1024 };
    const higher = { ops: 2, mem: 32 * 1024 };
    expectOk(await otp(h, ["init", "--no-recovery-key"], { kdf: low }));
    expect(kdfOf(readFileSync(h.vault, "utf8"))).toMatchObject(low);
    const pw = join(h.home, "pw");
    writeFileSync(pw, "another password\n", { mode: 0o600 });
    expectOk(await otp(h, ["passwd", "--new-password-file", pw], { kdf: higher }));
    expect(kdfOf(readFileSync(h.vault, "utf8"))).toMatchObject(higher);
    const file = join(h.home, "b.otp");
    expectOk(await otp(h, ["backup", "--backup-password-file", pw, file], { kdf: low, env: { OTP_PASSWORD: "another password" } }));
    expect(kdfOf(readFileSync(file, "utf8")), "never below the vault's own").toMatchObject(higher);
  });
});
