// Containers otp unpacks are read with caps: a zip member's declared size and
// ratio are checked before it is inflated and a header that lies is held to what it declared;
// SQLite tables are measured before a row is read; migration payloads, URI lists and Java
// string maps are counted before an object is made of each part. Every bomb is made here at
// run time (test/helpers/bombs.ts).
import initSqlJs from "sql.js";
import { describe, expect, it } from "vitest";
import { authenticatorPlusCodec } from "../../../../src/core/codecs/authenticator-plus.js";
import { googleAuthenticatorDbCodec } from "../../../../src/core/codecs/google-authenticator-db.js";
import { loadMigrationCodec } from "../../../../src/core/codecs/google-migration.js";
import { JavaSerialError, readJavaStringMap } from "../../../../src/core/codecs/java-serial.js";
import { parseUriList } from "../../../../src/core/codecs/uri-list.js";
import { checkUnpacked, MAX_ENTRIES } from "../../../../src/core/limits.js";
import { accountsZipBomb, manyMembersZip } from "../../../helpers/bombs.js";

const URI = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example";
const noPassword = {
  password: async () => {
    throw new Error("asked for a password");
  },
};
const src = (bytes: Uint8Array, name = "bomb.zip") => ({ name, bytes: new Uint8Array(bytes) });

describe("Authenticator Plus zip: caps before inflating", () => {
  it("a member declaring more than 16 MiB is refused unread (the issue's 2.5 GiB bomb, scaled down)", async () => {
    const zip = accountsZipBomb(64);
    expect(zip.length).toBeLessThan(100 * 1024);
    await expect(authenticatorPlusCodec.decode(src(zip), noPassword)).rejects.toMatchObject({
      name: "InputError",
      kind: "too-large",
      message: "bomb.zip: its Accounts.txt would unpack to 64 MiB, more than the 16 MiB otp unpacks",
    });
  });

  it("under the size cap, a ratio past 100:1 is refused (8 MiB of zeros in 8 KiB)", async () => {
    await expect(authenticatorPlusCodec.decode(src(accountsZipBomb(8)), noPassword)).rejects.toMatchObject({
      kind: "too-large",
      message: expect.stringMatching(/would unpack \d+ times its packed size, more than the 100 times/),
    });
  });

  it("an encrypted member is checked before its password is asked for", async () => {
    await expect(authenticatorPlusCodec.decode(src(accountsZipBomb(64, { encrypted: true })), noPassword)).rejects.toMatchObject({
      kind: "too-large",
    });
  });

  it("a header that lies is held to its declared size: 512 MiB of zeros declared as 1 KiB fail, memory stays flat", async () => {
    const zip = accountsZipBomb(512, { declared: 1024 });
    const before = process.memoryUsage().rss;
    await expect(authenticatorPlusCodec.decode(src(zip), noPassword)).rejects.toMatchObject({
      name: "InputError",
      message: expect.stringMatching(/does not unpack/),
    });
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it("more than 1000 members is refused before adm-zip parses the directory", async () => {
    await expect(authenticatorPlusCodec.decode(src(manyMembersZip(1000, URI)), noPassword)).rejects.toMatchObject({
      kind: "too-large",
      message: "bomb.zip: the ZIP lists more than 1000 files; an Authenticator Plus backup holds a few",
    });
    const ok = await authenticatorPlusCodec.decode(src(manyMembersZip(10, URI)), noPassword);
    expect(ok.entries.map((e) => e.draft.issuer)).toEqual(["Example"]);
  });
});

describe("checkUnpacked", () => {
  it("lets small members pack as well as they like, and real sizes through", () => {
    expect(() => checkUnpacked("f", "m", 1024 * 1024, 10)).not.toThrow();
    expect(() => checkUnpacked("f", "m", 16 * 1024 * 1024, 1024 * 1024)).not.toThrow();
    expect(() => checkUnpacked("f", "m", 16 * 1024 * 1024 + 1, 16 * 1024 * 1024)).toThrow(/more than the 16 MiB/);
  });
});

describe("SQLite: a table is measured before its rows are read", () => {
  const SCHEMA =
    "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL, counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL, original_name TEXT DEFAULT NULL";
  async function db(schemaTail: string, rows: number, after?: string): Promise<Uint8Array> {
    const SQL = await initSqlJs();
    const d = new SQL.Database();
    d.run(`${SCHEMA}${schemaTail})`);
    d.run("BEGIN");
    const st = d.prepare("INSERT INTO accounts (email, secret, type, issuer) VALUES (?, 'JBSWY3DPEHPK3PXP', 0, 'x')");
    for (let i = 0; i < rows; i++) st.run([`a${i}`]);
    st.free();
    d.run("COMMIT");
    if (after) d.run(after);
    const out = d.export();
    d.close();
    return out;
  }
  const decode = (bytes: Uint8Array) => googleAuthenticatorDbCodec.decode(src(bytes, "ga.db"), noPassword);

  it("a generated column (a few KiB that compute gigabytes) is refused", async () => {
    const bytes = await db(", notes BLOB AS (zeroblob(100 * 1048576)) VIRTUAL", 100);
    expect(bytes.length).toBeLessThan(64 * 1024);
    await expect(decode(bytes)).rejects.toMatchObject({ name: "InputError", message: expect.stringMatching(/computes its values/) });
  });

  it("a column default repeated into every older row is counted: 20 MiB from a 1 MiB file", async () => {
    const bytes = await db("", 20, `ALTER TABLE accounts ADD COLUMN notes TEXT DEFAULT '${"x".repeat(1024 * 1024)}'`);
    await expect(decode(bytes)).rejects.toMatchObject({
      kind: "too-large",
      message: expect.stringMatching(/^ga\.db: its "accounts" table would unpack to 20\.0 MiB, more than the 16 MiB otp unpacks$/),
    });
  });

  it(`more than ${MAX_ENTRIES} rows is refused; a table of real size reads`, async () => {
    await expect(decode(await db("", MAX_ENTRIES + 1))).rejects.toMatchObject({
      kind: "too-large",
      message: expect.stringMatching(/100001 rows, more than the 100000/),
    });
    expect((await decode(await db("", 3))).entries).toHaveLength(3);
  });
});

describe("parts counted before objects are made", () => {
  it(`a migration payload of more than ${MAX_ENTRIES} (empty) accounts is one problem, found before protobuf decodes it`, async () => {
    const codec = await loadMigrationCodec();
    const payload = Buffer.alloc((MAX_ENTRIES + 1) * 2);
    for (let i = 0; i < payload.length; i += 2) payload[i] = 0x0a; // field 1, length 0
    const uri = `otpauth-migration://offline?data=${encodeURIComponent(payload.toString("base64"))}`;
    expect(() => codec.decode(uri, "line 1")).toThrow(/lists more than 100000 accounts/);
    const out = parseUriList(uri, codec, "ga.txt");
    expect(out.problems).toHaveLength(1);
    expect(out.entries).toHaveLength(0);
  });

  it(`a list of more than ${MAX_ENTRIES} lines is refused, naming the file`, () => {
    expect(() => parseUriList("x\n".repeat(MAX_ENTRIES + 1), undefined, "list.txt")).toThrow("list.txt: more than 100000 lines to read");
    expect(parseUriList("x\n".repeat(10) + "\n#c\n").problems).toHaveLength(10);
  });

  it("a Java string map whose back-references repeat a long string past 16 MiB is refused", () => {
    const out: number[] = [0xac, 0xed, 0x00, 0x05, 0x73, 0x72];
    const utf = (s: string) => {
      const b = Buffer.from(s, "utf8");
      out.push(b.length >> 8, b.length & 0xff, ...b);
    };
    utf("java.util.HashMap");
    out.push(0x05, 0x07, 0xda, 0xc1, 0xc3, 0x16, 0x60, 0xd1, 0x03, 0x00, 0x01, 0x46);
    utf("loadFactor");
    const pairs = 20;
    out.push(0x78, 0x70, 0x3f, 0x40, 0, 0, 0x77, 0x08, 0, 0, 0, 32, 0, 0, 0, pairs);
    const big = "x".repeat(1024 * 1024);
    out.push(0x74);
    utf("k0");
    out.push(0x7c, 0, 0, 0, 0, (big.length >>> 24) & 0xff, (big.length >>> 16) & 0xff, (big.length >>> 8) & 0xff, big.length & 0xff);
    const bytes = Buffer.concat([Buffer.from(out), Buffer.from(big)]);
    const rest: number[] = [];
    // handles: 0 classdesc, 1 object, 2 "k0", 3 big; every later value refers to big
    for (let i = 1; i < pairs; i++) rest.push(0x74, 0, 2 + String(i).length - 1, ...Buffer.from(`k${i}`), 0x71, 0x00, 0x7e, 0x00, 0x03);
    rest.push(0x78);
    const map = Buffer.concat([bytes, Buffer.from(rest)]);
    expect(() => readJavaStringMap(map)).toThrow(JavaSerialError);
    expect(() => readJavaStringMap(map)).toThrow(/more than 16 MiB/);
  });
});
