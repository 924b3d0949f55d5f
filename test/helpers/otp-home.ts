// End-to-end helpers: a temporary HOME with a vault made cheaply (Argon2id at 8 KiB / 1
// pass, test-only: no user-visible switch makes weak vaults), and runOtp() spawning the built
// CLI with an environment built from scratch (no inherited OTP_*, NO_COLOR=1, TZ=UTC, no backup
// reminder).
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { EntryDraft } from "../../src/core/entry.js";
import { addEntry, emptyData } from "../../src/core/vault/model.js";
import { createVault, newId } from "../../src/core/vault/vault.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const OTP_BIN = join(ROOT, "bin", "otp.cjs");
/** The CLI with its test hooks (OTP_TEST_CRASH_AT): `npm run build:test`. */
export const OTP_TEST_BIN = join(ROOT, "test", ".build", "otp-test.cjs");

/** The bundle to run: the test build when the environment asks for a test hook, else the product. */
export function binFor(env: Record<string, string | undefined>): string {
  if (!Object.keys(env).some((k) => k.startsWith("OTP_TEST_"))) return OTP_BIN;
  if (!existsSync(OTP_TEST_BIN)) throw new Error(`${OTP_TEST_BIN} is missing: run \`npm run build:test\` (npm test does)`);
  return OTP_TEST_BIN;
}
export const TEST_PASSWORD = "test";
export const CHEAP_KDF = { ops: 1, mem: 8192 };

export interface OtpHome {
  home: string;
  vault: string;
  /** env for runOtp: HOME, XDG_RUNTIME_DIR inside home, OTP_PASSWORD unless { password: false } */
  env(extra?: Record<string, string | undefined>, opts?: { password?: boolean }): Record<string, string>;
  [Symbol.dispose](): void;
}

/** A temp HOME; with `entries`, a vault (password "test") holding them at the default path. */
export async function otpHome(entries?: EntryDraft[]): Promise<OtpHome> {
  const home = mkdtempSync(join(tmpdir(), "otp-e2e-"));
  const runtime = join(home, "run");
  mkdirSync(runtime, { mode: 0o700 });
  const vault = join(home, ".local", "share", "otp", "vault.otp");
  if (entries) await writeVault(vault, entries);
  return {
    home,
    vault,
    env(extra = {}, opts = {}) {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        XDG_RUNTIME_DIR: runtime,
        NO_COLOR: "1",
        TZ: "UTC",
        LANG: "C",
      };
      // Test vaults are dated 2026-01-01, so the backup reminder would depend on today's date;
      // the tests of the reminder remove this (OTP_NO_BACKUP_REMINDER: undefined).
      env.OTP_NO_BACKUP_REMINDER = "1";
      if (opts.password !== false) env.OTP_PASSWORD = TEST_PASSWORD;
      for (const [k, v] of Object.entries(extra))
        if (v === undefined) delete env[k];
        else env[k] = v;
      return env;
    },
    [Symbol.dispose]() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Writes a vault with cheap KDF parameters holding `entries` (0600 in a 0700 folder). */
export async function writeVault(path: string, entries: EntryDraft[], password = TEST_PASSWORD): Promise<void> {
  let data = emptyData("2026-01-01T00:00:00.000Z");
  for (const d of entries) data = addEntry(data, d, newId(), "2026-01-01T00:00:00.000Z").data;
  const { bytes } = await createVault(password, data, CHEAP_KDF);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  chmodSync(dirname(path), 0o700);
  writeFileSync(path, bytes, { mode: 0o600 });
}

export function totp(name: string, secret: string, more: Partial<EntryDraft> = {}): EntryDraft {
  return {
    name,
    issuer: more.issuer ?? name,
    account: more.account ?? `${name}@example.com`,
    type: "totp",
    secret,
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    ...more,
  };
}

export function hotp(name: string, secret: string, counter = 0): EntryDraft {
  return { name, issuer: name, account: `${name}@example.com`, type: "hotp", secret, algorithm: "SHA1", digits: 6, counter };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * In a session of its own (setsid): no controlling terminal, so a test run from a developer's
 * terminal sees what CI sees, and otp never asks on that terminal (/dev/tty) instead of failing.
 */
export const NO_TTY = { detached: true } as const;

/** Runs the built CLI synchronously. */
export function runOtp(args: string[], env: Record<string, string>, input?: string): RunResult {
  const r = spawnSync(process.execPath, [binFor(env), ...args], { env, input: input ?? "", encoding: "utf8", timeout: 30_000, ...NO_TTY });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the built CLI without blocking the test (for parallel runs). */
export function runOtpAsync(args: string[], env: Record<string, string>, input?: string): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [binFor(env), ...args], { env, stdio: ["pipe", "pipe", "pipe"], ...NO_TTY });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

export function writeFile600(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
}
