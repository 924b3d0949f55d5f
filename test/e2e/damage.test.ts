// A damaged vault (docs/testplan.md A, C, F.41): flipped bits, truncations, an empty file, a newer
// version, trailing bytes, a directory or FIFO at the vault path → exit 5 for `code`, `list`
// and `add`, the file byte-for-byte as it was. A newer *minor* opens read-only.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvelope, serializeEnvelope, FORMAT_MINOR } from "../../src/core/vault/format.js";
import { openData, sealData, unlockWithPassword } from "../../src/core/vault/vault.js";
import { OTP_BIN, TEST_PASSWORD, hotp, otpHome, totp, type OtpHome, type RunResult } from "../helpers/otp-home.js";
import { needTool } from "../helpers/tools.js";
import {
  expectFailure,
  expectOk,
  names,
  newSecret,
  otp,
  otpAsync,
  pool,
  prng,
  sha256,
  tmpFilesUnder,
  totpRef,
  waitForBuild,
} from "../helpers/e2e-util.js";

const S1 = newSecret();
const S2 = newSecret();
const SECRETS = [S1, S2];
const entries = () => [totp("github", S1, { issuer: "GitHub", account: "octo@example.com" }), hotp("bank", S2, 3)];

type Command = { label: string; args: (vault: string) => string[]; input?: string };
const ADDED = newSecret();
const COMMANDS: Command[] = [
  { label: "code", args: (v) => ["--vault", v, "code", "github"] },
  { label: "list", args: (v) => ["--vault", v, "list"] },
  { label: "add", args: (v) => ["--vault", v, "add", "newone", "--stdin"], input: ADDED },
];

interface Case {
  what: string;
  bytes: Uint8Array;
  phrase: RegExp;
}

/** Writes each case to its own file in a private folder, runs `cmd` on all (4 at a time), checks exit 5 and untouched bytes. */
async function sweep(h: OtpHome, cases: Case[], cmd: Command): Promise<void> {
  const dir = join(h.home, `damaged-${cmd.label}`);
  mkdirSync(dir, { mode: 0o700 });
  const files = cases.map((c, i) => {
    const f = join(dir, `v${i}.otp`);
    writeFileSync(f, c.bytes, { mode: 0o600 });
    return { f, sum: sha256(f) };
  });
  const results = await pool(
    cases.map((_, i) => () => otpAsync(h, cmd.args(files[i]!.f), { input: cmd.input })),
    4,
  );
  results.forEach((r, i) => {
    const c = cases[i]!;
    try {
      expectFailure(r, 5, c.phrase, [...SECRETS, ADDED]);
    } catch (err) {
      (err as Error).message = `${cmd.label} on ${c.what}: ${(err as Error).message}`;
      throw err;
    }
    expect(sha256(files[i]!.f), `${cmd.label} on ${c.what}: file changed`).toBe(files[i]!.sum);
  });
  expect(tmpFilesUnder(dir)).toEqual([]);
}

function flip(good: Uint8Array, byte: number, bit: number): Uint8Array {
  const b = Uint8Array.from(good);
  b[byte]! ^= 1 << bit;
  return b;
}

const DAMAGED = /vault file is (damaged|empty)|not an otp vault|newer otp/;

describe("a damaged vault: exit 5, the file untouched", () => {
  it("a flipped bit anywhere (a seeded sample of positions, always the first and last byte)", async () => {
    await using h = await otpHome(entries());
    const good = readFileSync(h.vault);
    const seed = 4226;
    const rand = prng(seed);
    const positions = [0, 1, 12, good.length - 1, good.length - 2, good.length - 50];
    while (positions.length < 32) positions.push(Math.floor(rand() * good.length));
    const cases = positions.map((p) => {
      const bit = Math.floor(rand() * 8);
      return { what: `bit ${bit} of byte ${p}/${good.length} (seed ${seed})`, bytes: flip(good, p, bit), phrase: DAMAGED };
    });
    // `list` gets every position; `code` and `add` a third each.
    await sweep(h, cases, COMMANDS[1]!);
    await sweep(
      h,
      cases.filter((_, i) => i % 3 === 0),
      COMMANDS[0]!,
    );
    await sweep(
      h,
      cases.filter((_, i) => i % 3 === 1),
      COMMANDS[2]!,
    );
    // The original still opens: the damage was in the copies only.
    expect(names(expectOk(otp(h, ["list"])))).toEqual(["github", "bank"]);
  }, 60_000);

  it('truncations of several lengths, an empty file, trailing bytes, `"version":99`', async () => {
    await using h = await otpHome(entries());
    const good = readFileSync(h.vault);
    const text = good.toString("utf8");
    const n = good.length;
    const cat = (...parts: (Uint8Array | string)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
    const cases: Case[] = [
      ...[1, 10, 30, Math.floor(n / 2), n - 100, n - 2, n - 1].map((len) => ({
        what: `truncated to ${len} of ${n} bytes`,
        bytes: good.subarray(0, len),
        phrase: len >= 30 ? /vault file is damaged/ : DAMAGED,
      })),
      { what: "an empty file", bytes: new Uint8Array(0), phrase: /vault file is empty/ },
      { what: "1 trailing byte", bytes: cat(good, "x"), phrase: /vault file is damaged/ },
      { what: "a trailing newline", bytes: cat(good, "\n"), phrase: /vault file is damaged/ },
      { what: "a second copy appended", bytes: cat(good, good), phrase: /vault file is damaged/ },
      { what: "CRLF line ending", bytes: cat(good.subarray(0, n - 1), "\r\n"), phrase: /vault file is damaged/ },
      { what: '"version":99', bytes: Buffer.from(text.replace('"version":1,', '"version":99,')), phrase: /newer otp.*format 99/ },
    ];
    expect(text).toContain('"version":1,');
    for (const cmd of COMMANDS) await sweep(h, cases, cmd);
  }, 60_000);

  it('"version":99 says to upgrade otp', async () => {
    await using h = await otpHome(entries());
    writeFileSync(h.vault, readFileSync(h.vault, "utf8").replace('"version":1,', '"version":99,'));
    const sum = sha256(h.vault);
    const r = otp(h, ["code", "github"]);
    expectFailure(r, 5, "upgrade otp", SECRETS);
    expect(sha256(h.vault)).toBe(sum);
  });

  it("a directory at the vault path: exit 5 at once", async () => {
    await using h = await otpHome();
    mkdirSync(h.vault, { recursive: true, mode: 0o700 });
    chmodSync(join(h.vault, ".."), 0o700);
    for (const cmd of COMMANDS) {
      const r = runTimed(h, cmd.args(h.vault), cmd.input);
      expectFailure(r, 5, "not a regular file", [ADDED]);
      expect(r.ms).toBeLessThan(5_000);
    }
  });

  it.skipIf(!needTool("mkfifo", "coreutils"))("a FIFO at the vault path: exit 5 at once, never blocks", async () => {
    await using h = await otpHome();
    mkdirSync(join(h.vault, ".."), { recursive: true, mode: 0o700 });
    expect(spawnSync("mkfifo", ["-m", "600", h.vault]).status).toBe(0);
    for (const cmd of COMMANDS) {
      const r = runTimed(h, cmd.args(h.vault), cmd.input);
      expect(r.signal, "killed by the timeout: it blocked on the FIFO").toBeNull();
      expectFailure(r, 5, "not a regular file", [ADDED]);
      expect(r.ms).toBeLessThan(5_000);
    }
  });
});

/** Spawns with a 10 s timeout (a FIFO must not hang the suite) and measures the wall time. */
function runTimed(h: OtpHome, args: string[], input?: string): RunResult & { ms: number } {
  waitForBuild();
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [OTP_BIN, ...args], {
    env: h.env(),
    input: input ?? "",
    encoding: "utf8",
    timeout: 10_000,
    killSignal: "SIGKILL",
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

describe("a vault from a newer minor version opens read-only", () => {
  it("`code` and `list` work; `add` and an HOTP `code` exit 5 `read-only`; the file untouched", async () => {
    await using h = await otpHome(entries());
    // Re-seal the test vault as the next minor, with an extension this otp does not know.
    const { envelope } = parseEnvelope(readFileSync(h.vault));
    const key = await unlockWithPassword(envelope, TEST_PASSWORD);
    const data = openData(envelope, key);
    const newer = sealData({ ...envelope, minor: FORMAT_MINOR + 1, ext: { ...envelope.ext, "future-feature": { level: 2 } } }, key, data);
    writeFileSync(h.vault, serializeEnvelope(newer));
    expect(parseEnvelope(readFileSync(h.vault)).readOnly).toBe(true);
    const sum = sha256(h.vault);

    const t0 = Date.now();
    const code = expectOk(otp(h, ["code", "github"]));
    expect([totpRef(S1, t0), totpRef(S1, Date.now())].map((c) => c + "\n")).toContain(code);
    expect(names(expectOk(otp(h, ["list"])))).toEqual(["github", "bank"]);
    const listed = JSON.parse(expectOk(otp(h, ["list", "--json"])));
    expect(listed.map((e: { name: string }) => e.name)).toEqual(["github", "bank"]);

    const s = newSecret();
    expectFailure(otp(h, ["add", "x", "--stdin"], { input: s }), 5, "read-only", [...SECRETS, s]);
    expectFailure(otp(h, ["code", "bank"]), 5, "read-only", SECRETS);
    expectFailure(otp(h, ["remove", "github", "--yes"]), 5, "read-only", SECRETS);
    expectFailure(otp(h, ["edit", "github", "--name", "gh"]), 5, "read-only", SECRETS);
    expect(sha256(h.vault)).toBe(sum);
  });
});
