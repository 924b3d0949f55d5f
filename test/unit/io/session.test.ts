// Unlocked sessions (src/io/session.ts; docs/threat-model.md "Sessions"; docs/testplan.md L.77–80), with XDG_RUNTIME_DIR in
// a temp folder: the master key comes back only for the right vault, key and unedited file,
// before the expiry; expired files are removed; `otp lock` ends them; files are 0600 in a 0700
// folder and hold neither the master key nor the vaultId in clear.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuthError, OtpError } from "../../../src/core/errors.js";
import { createSession, openSession, removeSessions } from "../../../src/io/session.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const HOUR = 3600_000;
const mk = () => new Uint8Array(globalThis.crypto.getRandomValues(new Uint8Array(32)));
const vid = () => Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString("hex");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
/** What a session is bound to: a vault id at a key generation. */
const v = (vaultId: string, generation = 1) => ({ vaultId, ext: { generation } });

let runtime: string;
let env: { XDG_RUNTIME_DIR: string };
let sessions: string;
/** The vault file sessions are made for (it need not exist: its path is what counts). */
let FILE: string;
beforeEach(() => {
  runtime = mkdtempSync(join(tmpdir(), "otp-unit-session-"));
  env = { XDG_RUNTIME_DIR: runtime };
  sessions = join(runtime, "otp");
  FILE = join(runtime, "vault.otp");
});
afterEach(() => rmSync(runtime, { recursive: true, force: true }));

async function errorOf(p: Promise<unknown>): Promise<AuthError> {
  try {
    await p;
  } catch (err) {
    return err as AuthError;
  }
  throw new Error("expected an error, but nothing was thrown");
}
const fileOf = (value: string) => join(sessions, value.split(".")[0]! + ".session");
/** The OTP_SESSION value with its 32-byte key replaced. */
const withKey = (value: string, key: Uint8Array) => `${value.split(".")[0]}.${Buffer.from(key).toString("base64url")}`;
const keyOf = (value: string) => new Uint8Array(Buffer.from(value.split(".")[1]!, "base64url"));

describe("create and open", () => {
  it("gives back the master key for the same vault before expiry, as often as asked", async () => {
    const key = mk();
    const id = vid();
    const value = await createSession(env, v(id), key, NOW + HOUR, NOW, FILE);
    expect(value).toMatch(/^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    expect(value.startsWith(id.slice(0, 16) + "-")).toBe(true);
    expect(hex(await openSession(env, value, v(id), NOW, FILE))).toBe(hex(key));
    expect(hex(await openSession(env, value, v(id), NOW + HOUR - 1, FILE))).toBe(hex(key));
    expect(hex(await openSession(env, ` ${value}\n`, v(id), NOW, FILE))).toBe(hex(key)); // pasted with blanks
  });

  it("files are 0600 in a 0700 folder, one file per session", async () => {
    const id = vid();
    const a = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const b = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    expect(a).not.toBe(b);
    expect(statSync(sessions).mode & 0o777).toBe(0o700);
    for (const v of [a, b]) expect(statSync(fileOf(v)).mode & 0o777).toBe(0o600);
    expect(readdirSync(sessions).sort()).toEqual([a, b].map((v) => v.split(".")[0] + ".session").sort());
  });

  it("the file holds neither the master key nor the vaultId nor the session key, in any common encoding", async () => {
    const key = mk();
    const id = vid();
    const value = await createSession(env, v(id), key, NOW + HOUR, NOW, FILE);
    const body = readFileSync(fileOf(value));
    const S = keyOf(value);
    for (const secret of [key, Buffer.from(id, "hex"), S, key.subarray(0, 8), key.subarray(24)]) {
      const b = Buffer.from(secret);
      expect(body.includes(b)).toBe(false);
      for (const text of [b.toString("hex"), b.toString("hex").toUpperCase(), b.toString("base64"), b.toString("base64url")])
        expect(body.includes(Buffer.from(text))).toBe(false);
    }
    expect(body.includes(Buffer.from(id))).toBe(false);
    expect(body.includes(Buffer.from(id.slice(0, 16)))).toBe(false);
  });

  it("refuses a session folder others can use (0755, 0770) as unsafe-permissions", async () => {
    for (const m of [0o755, 0o770, 0o701]) {
      mkdirSync(sessions, { recursive: true });
      chmodSync(sessions, m);
      const err = (await errorOf(createSession(env, v(vid()), mk(), NOW + HOUR, NOW, FILE))) as unknown as OtpError;
      expect(err).toBeInstanceOf(OtpError);
      expect(err.kind).toBe("unsafe-permissions");
      expect(readdirSync(sessions)).toEqual([]);
      rmSync(sessions, { recursive: true });
    }
  });
});

describe("invalid sessions → AuthError session-invalid", () => {
  it("another vault's id (also one sharing the first 16 hex digits)", async () => {
    const id = vid();
    const value = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    for (const other of [vid(), id.slice(0, 16) + vid().slice(16), id.slice(0, 31) + (id[31] === "0" ? "1" : "0")]) {
      const err = await errorOf(openSession(env, value, v(other), NOW, FILE));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.kind).toBe("session-invalid");
    }
  });

  it("every flipped bit of the session file", async () => {
    const id = vid();
    const value = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const file = fileOf(value);
    const body = readFileSync(file);
    const kinds = new Map<string, number>();
    for (let bit = 0; bit < body.length * 8; bit++) {
      const b = Buffer.from(body);
      b[bit >> 3]! ^= 1 << (bit & 7);
      writeFileSync(file, b);
      const err = await errorOf(openSession(env, value, v(id), NOW, FILE));
      kinds.set(`${err.constructor.name} ${err.kind}`, (kinds.get(`${err.constructor.name} ${err.kind}`) ?? 0) + 1);
    }
    expect([...kinds]).toEqual([["AuthError session-invalid", body.length * 8]]);
  });

  it("every flipped bit of the session key", async () => {
    const id = vid();
    const value = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const S = keyOf(value);
    expect(S).toHaveLength(32);
    for (let bit = 0; bit < 256; bit++) {
      const k = new Uint8Array(S);
      k[bit >> 3]! ^= 1 << (bit & 7);
      const err = await errorOf(openSession(env, withKey(value, k), v(id), NOW, FILE));
      expect(err.kind, `key bit ${bit}`).toBe("session-invalid");
    }
  });

  it("malformed OTP_SESSION values", async () => {
    const id = vid();
    const value = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const [name, key] = value.split(".") as [string, string];
    for (const bad of [
      "",
      "garbage",
      name,
      `${name}.`,
      `.${key}`,
      `${name}.${key}x`,
      `${name}.${key.slice(1)}`,
      `${name.toUpperCase()}.${key}`,
      `${name}.${key}.${key}`,
      `../${name}.${key}`,
      `${name}.${Buffer.from(keyOf(value)).toString("base64")}=`,
    ]) {
      const err = await errorOf(openSession(env, bad, v(id), NOW, FILE));
      expect(err, JSON.stringify(bad)).toBeInstanceOf(AuthError);
      expect(err.kind, JSON.stringify(bad)).toBe("session-invalid");
    }
  });

  it("a session file swapped with another vault's", async () => {
    const idA = vid();
    const idB = vid();
    const a = await createSession(env, v(idA), mk(), NOW + HOUR, NOW, FILE);
    const b = await createSession(env, v(idB), mk(), NOW + HOUR, NOW, FILE);
    writeFileSync(fileOf(a), readFileSync(fileOf(b)));
    expect((await errorOf(openSession(env, a, v(idA), NOW, FILE))).kind).toBe("session-invalid");
    // and with the other session's key as well: the file name is bound in the AD
    expect((await errorOf(openSession(env, withKey(a, keyOf(b)), v(idA), NOW, FILE))).kind).toBe("session-invalid");
  });

  it("a truncated or extended session file", async () => {
    const id = vid();
    const value = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const body = readFileSync(fileOf(value));
    const got: string[] = [];
    for (const b of [
      body.subarray(0, body.length - 1),
      body.subarray(0, 24),
      body.subarray(0, 1),
      Buffer.concat([body, Buffer.from([0])]),
    ]) {
      writeFileSync(fileOf(value), b);
      got.push(`${b.length}: ${(await errorOf(openSession(env, value, v(id), NOW, FILE))).kind}`);
    }
    expect(got).toEqual([
      `${body.length - 1}: session-invalid`,
      "24: session-invalid",
      "1: session-invalid",
      `${body.length + 1}: session-invalid`,
    ]);
  });
});

describe("ending sessions", () => {
  it("past expiry → session-expired, and the file is removed", async () => {
    const id = vid();
    const value = await createSession(env, v(id), mk(), NOW + 60_000, NOW, FILE);
    expect(existsSync(fileOf(value))).toBe(true);
    const err = await errorOf(openSession(env, value, v(id), NOW + 60_000, FILE));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.kind).toBe("session-expired");
    expect(existsSync(fileOf(value))).toBe(false);
    expect((await errorOf(openSession(env, value, v(id), NOW, FILE))).kind).toBe("session-expired"); // gone for good
  });

  it("an expired file is not removed by someone presenting the wrong key", async () => {
    const id = vid();
    const value = await createSession(env, v(id), mk(), NOW + 60_000, NOW, FILE);
    const err = await errorOf(openSession(env, withKey(value, new Uint8Array(32)), v(id), NOW + HOUR, FILE));
    expect(err.kind).toBe("session-invalid");
    expect(existsSync(fileOf(value))).toBe(true);
  });

  it("removeSessions ends every session of that vault and only those", async () => {
    const id = vid();
    const other = vid();
    const a = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const b = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const c = await createSession(env, v(other), mk(), NOW + HOUR, NOW, FILE);
    expect(await removeSessions(env, id, FILE)).toBe(2);
    for (const value of [a, b]) {
      const err = await errorOf(openSession(env, value, v(id), NOW, FILE));
      expect(err).toBeInstanceOf(AuthError);
      expect(["session-expired", "session-invalid"]).toContain(err.kind);
      expect(existsSync(fileOf(value))).toBe(false);
    }
    expect(await openSession(env, c, v(other), NOW, FILE)).toHaveLength(32);
    expect(await removeSessions(env, id, FILE)).toBe(0);
  });

  it("removeSessions with no session folder at all is 0, not an error", async () => {
    expect(await removeSessions(env, vid(), FILE)).toBe(0);
  });

  it("creating a session prunes files older than 24 h (by mtime), and keeps younger ones", async () => {
    const id = vid();
    const old = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const young = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const longAgo = new Date(NOW - 25 * HOUR);
    utimesSync(fileOf(old), longAgo, longAgo);
    const recent = new Date(NOW - HOUR);
    utimesSync(fileOf(young), recent, recent);
    await createSession(env, v(vid()), mk(), NOW + HOUR, NOW, FILE);
    expect(existsSync(fileOf(old))).toBe(false);
    expect(existsSync(fileOf(young))).toBe(true);
  });
});

describe("a session belongs to one vault file", () => {
  it("a copy of the vault elsewhere (same vaultId, same session folder) neither opens nor ends it", async () => {
    const id = vid();
    const key = mk();
    const copy = join(runtime, "other-home", "vault.otp");
    const mine = await createSession(env, v(id), key, NOW + HOUR, NOW, FILE);
    const theirs = await createSession(env, v(id), key, NOW + HOUR, NOW, copy);
    const err = await errorOf(openSession(env, mine, v(id), NOW, copy));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.kind).toBe("session-invalid");
    expect(err.message).toMatch(/another file of this vault/);
    expect(await removeSessions(env, id, copy)).toBe(1);
    expect(existsSync(fileOf(theirs))).toBe(false);
    expect(hex(await openSession(env, mine, v(id), NOW, FILE))).toBe(hex(key));
  });

  it("the file is known by its real path: a symlink to it opens the session", async () => {
    const id = vid();
    writeFileSync(FILE, "");
    const link = join(runtime, "link.otp");
    symlinkSync(FILE, link);
    const value = await createSession(env, v(id), mk(), NOW + HOUR, NOW, link);
    expect(await openSession(env, value, v(id), NOW, FILE)).toHaveLength(32);
    expect(await removeSessions(env, id, link)).toBe(1);
  });

  it("the file is bound inside the sealed plaintext too: a session file renamed to the copy's name does not open", async () => {
    const id = vid();
    const copy = join(runtime, "copy.otp");
    const mine = await createSession(env, v(id), mk(), NOW + HOUR, NOW, FILE);
    const theirs = await createSession(env, v(id), mk(), NOW + HOUR, NOW, copy);
    // my file under their name, opened with my key: the AD (their name) and the sealed F both differ
    renameSync(fileOf(mine), fileOf(theirs));
    expect((await errorOf(openSession(env, withKey(theirs, keyOf(mine)), v(id), NOW, copy))).kind).toBe("session-invalid");
  });

  it("without a vault file (a backup: a copy of the vault) any session of the vault at its key generation opens it", async () => {
    const id = vid();
    const key = mk();
    const value = await createSession(env, v(id), key, NOW + HOUR, NOW, FILE);
    expect(hex(await openSession(env, value, v(id), NOW))).toBe(hex(key));
    expect((await errorOf(openSession(env, value, v(id, 2), NOW))).kind).toBe("session-expired");
    expect((await errorOf(openSession(env, value, v(vid()), NOW))).kind).toBe("session-invalid");
  });
});
