// A damaged vault (docs/testplan.md A, C): flipped bits, truncations, an empty file, trailing
// bytes, a newer version → exit 5 for `code`, `list` and `add`, the file byte-for-byte as it
// was, and no temporary file left. In process (test/helpers/cli-run.ts): ~120 runs of otp, each
// a few milliseconds here instead of a process start. A directory or FIFO at the vault's path,
// the spawned exit 5 and a newer minor: test/e2e/damage.test.ts.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, type OtpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, names, prng, sha256, tmpFilesUnder } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

import { ADDED, COMMANDS, SECRETS, entries, type Command } from "../helpers/damage-cases.js";

interface Case {
  what: string;
  bytes: Uint8Array;
  phrase: RegExp;
}

/** Writes each case to its own file in a private folder, runs `cmd` on each, checks exit 5 and untouched bytes. */
async function sweep(h: OtpHome, cases: Case[], cmd: Command): Promise<void> {
  const dir = join(h.home, `damaged-${cmd.label}`);
  mkdirSync(dir, { mode: 0o700 });
  const files = cases.map((c, i) => {
    const f = join(dir, `v${i}.otp`);
    writeFileSync(f, c.bytes, { mode: 0o600 });
    return { f, sum: sha256(f) };
  });
  const results = [];
  for (const { f } of files) results.push(await otp(h, cmd.args(f), { input: cmd.input }));
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
    expect(names(expectOk(await otp(h, ["list"])))).toEqual(["github", "bank"]);
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
});
