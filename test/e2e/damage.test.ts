// A damaged vault (docs/testplan.md A, C, F.41) as the built otp meets it: a newer version, a
// directory or FIFO at the vault path → exit 5 for `code`, `list` and `add` at once, the file
// byte-for-byte as it was. A newer *minor* opens read-only. Flipped bits and truncations, ~120
// runs of otp: test/cli/damage-sweeps.test.ts, in process.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvelope, serializeEnvelope, FORMAT_MINOR } from "../../src/core/vault/format.js";
import { openData, sealData, unlockWithPassword } from "../../src/core/vault/vault.js";
import { OTP_BIN, TEST_PASSWORD, otpHome, type OtpHome, type RunResult } from "../helpers/otp-home.js";
import { needTool } from "../helpers/tools.js";
import { expectFailure, expectOk, names, newSecret, otp, sha256, totpRef, waitForBuild } from "../helpers/e2e-util.js";

import { ADDED, COMMANDS, SECRETS, entries } from "../helpers/damage-cases.js";

describe("a damaged vault: exit 5, the file untouched", () => {
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
    expect([totpRef(SECRETS[0]!, t0), totpRef(SECRETS[0]!, Date.now())].map((c) => c + "\n")).toContain(code);
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
