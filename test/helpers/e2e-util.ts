// Shared pieces of the end-to-end tests: running the built CLI (also with stdin on /dev/null,
// or as a child to signal), the failure invariants every error must keep (docs/testplan.md: stdout
// empty, one `otp: error:` line first, no stack trace, no secret), reference OTP codes computed
// here with node:crypto (independent of src/), and small file helpers.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import type { VaultData } from "../../src/core/vault/model.js";
import { createVault } from "../../src/core/vault/vault.js";
import { CHEAP_KDF, NO_TTY, ROOT, TEST_PASSWORD, binFor, runOtp, runOtpAsync, type OtpHome, type RunResult } from "./otp-home.js";

export const DIST = join(ROOT, "dist", "otp.cjs");
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;

/** Every top-level command, as `otp --help` lists them. */
export const COMMANDS: readonly string[] = [
  "init",
  "add",
  "code",
  "list",
  "show",
  "edit",
  "remove",
  "unlock",
  "lock",
  "export",
  "import",
  "backup",
  "restore",
  "passwd",
  "recovery",
  "recovery-key",
  "audit",
  "sync",
  "new",
  "verify",
  "watch",
  "completion",
];

/** Someone may be rebuilding dist/ right now: wait (up to 20 s) until the bundle is back. */
export function waitForBuild(): void {
  const until = Date.now() + 20_000;
  while (!existsSync(DIST) && Date.now() < until) sleepSync(200);
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RunOpts {
  /** extra environment (undefined removes a variable) */
  env?: Record<string, string | undefined>;
  /** false: no OTP_PASSWORD */
  password?: boolean;
  input?: string;
}

/** Runs `otp ARGS` in h's HOME, stdin a pipe holding `input` (empty by default). */
export function otp(h: OtpHome, args: string[], o: RunOpts = {}): RunResult {
  waitForBuild();
  return runOtp(args, h.env(o.env, { password: o.password }), o.input);
}

export function otpAsync(h: OtpHome, args: string[], o: RunOpts = {}): Promise<RunResult> {
  waitForBuild();
  return runOtpAsync(args, h.env(o.env, { password: o.password }), o.input);
}

/** Runs `otp ARGS` with standard input on /dev/null (as under cron or CI: not a terminal, never readable). */
export function otpNullStdin(h: OtpHome, args: string[], o: RunOpts = {}): RunResult {
  waitForBuild();
  const env = h.env(o.env, { password: o.password });
  const r = spawnSync(process.execPath, [binFor(env), ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 30_000,
    ...NO_TTY,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `otp ARGS` as a child the test can signal; `done` resolves when it has exited. */
export function spawnOtp(
  h: OtpHome,
  args: string[],
  o: RunOpts = {},
): { child: ChildProcess; done: Promise<RunResult>; stderrSoFar: () => string } {
  waitForBuild();
  const env = h.env(o.env, { password: o.password });
  const child = spawn(process.execPath, [binFor(env), ...args], { env, stdio: ["pipe", "pipe", "pipe"], ...NO_TTY });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<RunResult>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  child.stdin!.on("error", () => undefined);
  child.stdin!.end(o.input ?? "");
  return { child, done, stderrSoFar: () => stderr };
}

const show = (r: RunResult) => `exit ${r.code} (signal ${r.signal})\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

/** Exit 0. Returns stdout. */
export function expectOk(r: RunResult): string {
  expect(r.code, show(r)).toBe(0);
  return r.stdout;
}

/**
 * The invariants of every failure: the exit code, stdout empty, stderr's first line
 * `otp: error: …` (or `otp: interrupted`), `phrase` in stderr, no stack trace, and none of
 * `secrets` anywhere in the output.
 */
export function expectFailure(
  r: RunResult,
  exit: number,
  phrase: string | RegExp,
  secrets: string[] = [],
  o: { warningsFirst?: boolean } = {},
): void {
  expect(r.code, show(r)).toBe(exit);
  expect(r.stdout, "stdout must be empty on failure").toBe("");
  const lines = r.stderr.split("\n");
  // With warningsFirst, `otp: warning:` lines may come before the error line.
  const first = (o.warningsFirst ? lines.find((l) => !l.startsWith("otp: warning: ")) : lines[0]) ?? "";
  if (exit === 130 || exit === 143) expect(first).toBe("otp: interrupted");
  else expect(first, show(r)).toMatch(/^otp: error: /);
  if (typeof phrase === "string") expect(r.stderr.toLowerCase(), show(r)).toContain(phrase.toLowerCase());
  else expect(r.stderr, show(r)).toMatch(phrase);
  expect(r.stderr, "no stack trace").not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
  for (const s of secrets) expectNoSecret(r.stdout + r.stderr, s);
}

/** Neither the base32 secret (any case) nor its bytes as hex or base64 occur in text. */
export function expectNoSecret(text: string, secretBase32: string): void {
  const norm = secretBase32.replace(/[\s=-]/g, "").toUpperCase();
  const bytes = b32decode(norm);
  const upper = text.toUpperCase();
  expect(upper.includes(norm), "base32 secret in output").toBe(false);
  expect(text.toLowerCase().includes(bytes.toString("hex")), "hex secret in output").toBe(false);
  expect(text.includes(bytes.toString("base64").replace(/=+$/, "")), "base64 secret in output").toBe(false);
}

// ---- reference OTP (RFC 4226 / RFC 6238 / Steam), written here from the RFCs ----

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function b32encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function b32decode(text: string): Buffer {
  const s = text.replace(/[\s=-]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of s) {
    const v = B32.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

/** A fresh random base32 secret of `bytes` bytes (160 bits by default). */
export function newSecret(bytes = 20): string {
  return b32encode(randomBytes(bytes));
}

export type Alg = "sha1" | "sha256" | "sha512";

/** RFC 4226 dynamic truncation: the 31-bit number for `counter`. */
function truncated(secret: string, counter: number, alg: Alg): number {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(alg, b32decode(secret)).update(msg).digest();
  const off = mac[mac.length - 1]! & 0x0f;
  return mac.readUInt32BE(off) & 0x7fffffff;
}

export function hotpRef(secret: string, counter: number, alg: Alg = "sha1", digits = 6): string {
  const n = BigInt(truncated(secret, counter, alg)) % 10n ** BigInt(digits);
  return n.toString().padStart(digits, "0");
}

export function totpRef(secret: string, unixMs: number, o: { alg?: Alg; digits?: number; period?: number } = {}): string {
  return hotpRef(secret, Math.floor(unixMs / 1000 / (o.period ?? 30)), o.alg ?? "sha1", o.digits ?? 6);
}

export const STEAM_CHARS = "23456789BCDFGHJKMNPQRTVWXY";

export function steamRef(secret: string, unixMs: number): string {
  let n = truncated(secret, Math.floor(unixMs / 30_000), "sha1");
  let out = "";
  for (let i = 0; i < 5; i++) {
    out += STEAM_CHARS[n % STEAM_CHARS.length];
    n = Math.floor(n / STEAM_CHARS.length);
  }
  return out;
}

/** The codes a command run between `before` and `after` may have shown (a period may roll over). */
export function totpWindow(before: number, after: number, f: (ms: number) => string): string[] {
  return [...new Set([f(before), f(after)])];
}

// ---- files ----

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Every file below dir (recursive), as full paths. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

export function tmpFilesUnder(dir: string): string[] {
  return filesUnder(dir).filter((f) => f.endsWith(".tmp"));
}

/** Writes a vault (cheap KDF, password "test") holding exactly `data`, e.g. entries with recovery codes. */
export async function writeVaultData(path: string, data: VaultData, password = TEST_PASSWORD): Promise<Uint8Array> {
  const { masterKey, bytes } = await createVault(password, data, CHEAP_KDF);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  chmodSync(dirname(path), 0o700);
  writeFileSync(path, bytes, { mode: 0o600 });
  return masterKey;
}

/** Names printed by `otp list` off a terminal. */
export function names(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l !== "");
}

/** A small seeded PRNG (mulberry32), so random sweeps are reproducible from the printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the async jobs with at most `limit` at a time; results in order. */
export async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}
