// In-process (test/helpers/cli-run.ts). `otp import` of runaway inputs: a zip bomb and an SQLite file that computes
// gigabytes end with exit 2 and a message naming the cap, quickly; an import that would take
// the vault past its 16 MiB is refused before anything is written (exit 2, naming how many
// entries fit), and exactly that many do fit. The vault is unchanged after every failure.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import initSqlJs from "sql.js";
import { describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { accountsZipBomb } from "../helpers/bombs.js";
import { b32encode, expectFailure, expectOk, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const home = () => otpHome([totp("github", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]);

describe("containers", () => {
  it("a zip bomb (256 MiB of zeros in 260 KiB) is refused before it is inflated", async () => {
    await using h = await home();
    const before = sha256(h.vault);
    const file = join(h.home, "backup.zip");
    writeFileSync(file, accountsZipBomb(256));
    expectFailure(await otp(h, ["import", file]), 2, "its Accounts.txt would unpack to 256 MiB, more than the 16 MiB otp unpacks");
    expect(sha256(h.vault)).toBe(before);
  });

  it("an SQLite table whose column computes 100 MiB a row is refused before a row is read", async () => {
    await using h = await home();
    const before = sha256(h.vault);
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run(
      "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT, secret TEXT, counter INTEGER, type INTEGER, issuer TEXT, original_name TEXT AS (zeroblob(100 * 1048576)) VIRTUAL)",
    );
    for (let i = 0; i < 50; i++)
      db.run("INSERT INTO accounts (email, secret, counter, type, issuer) VALUES (?, 'JBSWY3DPEHPK3PXP', 0, 0, 'x')", [`a${i}`]);
    const file = join(h.home, "databases");
    writeFileSync(file, db.export());
    expectFailure(await otp(h, ["import", file]), 2, "table computes its values");
    expect(sha256(h.vault)).toBe(before);
  });
});

describe("many bad entries", () => {
  it("the first 100 problems are listed, then how many more", async () => {
    await using h = await home();
    const file = join(h.home, "list.txt");
    writeFileSync(file, "not a uri\n".repeat(150) + `otpauth://totp/ok?secret=${b32encode(randomBytes(20))}\n`);
    const r = await otp(h, ["import", file]);
    expectOk(r);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("otp: warning: ")).length).toBe(101);
    expect(r.stderr).toContain("otp: warning: … and 50 more like these");
    expect(r.stderr).toContain("added 1, skipped 0 already in the vault, refused 150");
  });
});
