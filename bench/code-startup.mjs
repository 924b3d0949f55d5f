// `npm run bench`: the start-up cost of `otp code` and `otp list`, beside `node -e 0` measured
// in the same run, for vaults of 1, 300 and 10,000 entries: `otp code` with a session (no KDF)
// and with the password (Argon2id at the default parameters), `otp list` (names, piped) with a
// session. NODE_EXTRA_CA_CERTS is unset, as most users have it (BENCH_CA=1 adds the rows with it
// set: Node 20 then pays ~30 ms at every start, whatever the program). Runs are interleaved so
// drift hits all alike; prints medians and the ratio to `node -e 0`. Output is piped, as in
// `$(otp code x)`.
//
// BENCH_BASELINE=/path/to/another/checkout/bin/otp.cjs adds that build's figures ("today") beside
// this one's ("new"), measured in the same run: each build makes its own vault (an older otp may
// not read a newer format) from the same seeds. The "KDF alone" figures are Argon2id at the default
// parameters, its first call in a fresh process with the package loaded, for each engine the
// builds use (native, WASM), timed in every round beside the otp runs: `otp code (password, KDF)`
// less the one its build uses is what the password path costs beyond the key derivation.
// BENCH_RUNS (default 25) and BENCH_SIZES (default "1,300,10000") pick how much to run.
// `otp watch` needs a terminal: its first frame is timed under script(1), beside `node -e 0`
// under script(1) too (skipped where script is missing).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OTP = fileURLToPath(new URL("../bin/otp.cjs", import.meta.url));
const BASELINE = process.env.BENCH_BASELINE || "";
const RUNS = Number(process.env.BENCH_RUNS || 25);
const SIZES = (process.env.BENCH_SIZES || "1,300,10000").split(",").map(Number);
const PASSWORD = "correct horse battery staple";
const CA = process.env.NODE_EXTRA_CA_CERTS || (process.platform === "linux" ? "/etc/ssl/certs/ca-certificates.crt" : undefined);
const builds = BASELINE
  ? [
      ["today", BASELINE],
      ["new", OTP],
    ]
  : [["", OTP]];

function baseEnv(home) {
  return { PATH: process.env.PATH, HOME: home, LANG: "C", TZ: "UTC", NO_COLOR: "1" };
}

function otp(bin, home, args, extra = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...baseEnv(home), ...extra }, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`otp ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** A random 160-bit base32 seed (distinct: an import would skip duplicates). */
function secret() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return Array.from(randomBytes(32), (b) => alphabet[b % 32]).join("");
}

function seedLines(entries) {
  const lines = [];
  for (let i = 0; i < entries; i++) lines.push(`otpauth://totp/Issuer${i}:user${i}%40example.com?secret=${secret()}&issuer=Issuer${i}`);
  lines[0] = `otpauth://totp/GitHub:me?secret=${secret()}&issuer=GitHub`;
  return lines;
}

function makeVault(bin, lines) {
  const home = mkdtempSync(join(tmpdir(), "otp-bench-"));
  otp(bin, home, ["init"], { OTP_PASSWORD: PASSWORD });
  const file = join(home, "seeds.txt");
  writeFileSync(file, lines.join("\n") + "\n");
  otp(bin, home, ["import", file], { OTP_PASSWORD: PASSWORD });
  rmSync(file);
  const count = otp(bin, home, ["list"], { OTP_PASSWORD: PASSWORD }).trim().split("\n").length;
  if (count !== lines.length) throw new Error(`bench: the vault holds ${count} entries, not ${lines.length}`);
  const session = otp(bin, home, ["unlock", "--for", "1h"], { OTP_PASSWORD: PASSWORD })
    .trim()
    .replace(/^export OTP_SESSION=/, "");
  return { home, session };
}

function timeOnce(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Argon2id at otp's default parameters as `otp code` pays for it: the first call in a fresh
 * process (the package loaded, not timed), whose 64 MiB are fresh pages. A second call in the
 * same process is much faster, and would make otp's own part look bigger. "native" is
 * @node-rs/argon2 (what otp uses where its binary loads), "wasm" is libsodium's (the fallback,
 * and what builds before it used). Timed once per round, interleaved with the otp runs: measured
 * apart, minutes earlier, it drifted with the machine (56 against 76 ms in two runs an hour
 * apart) and the password rows' "less the KDF" with it.
 */
function kdfOnce(engine) {
  const script =
    engine === "native"
      ? `
    const { hashRawSync } = require("@node-rs/argon2");
    const t0 = process.hrtime.bigint();
    hashRawSync("correct horse battery staple", { algorithm: 2, version: 1, timeCost: 3, memoryCost: 65536, parallelism: 1, outputLen: 32, salt: new Uint8Array(16) });
    console.log(Number(process.hrtime.bigint() - t0) / 1e6);`
      : `
    const sodium = require("libsodium-wrappers-sumo");
    sodium.ready.then(() => {
      const t0 = process.hrtime.bigint();
      sodium.crypto_pwhash(32, "correct horse battery staple", new Uint8Array(16), 3, 64 * 1024 * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13);
      console.log(Number(process.hrtime.bigint() - t0) / 1e6);
    });`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout) : NaN;
}

/** Which Argon2id a build uses: native if its bundle loads @node-rs/argon2. */
function engineOf(bin) {
  try {
    return readFileSync(join(dirname(bin), "..", "dist", "otp.cjs"), "utf8").includes("@node-rs/argon2") ? "native" : "wasm";
  } catch {
    return "wasm";
  }
}

const hasScript = spawnSync("script", ["-V"], { encoding: "utf8" }).status === 0;

/** ms from starting `command` under script(1) (a pseudo-terminal) until its output matches `until`, or it exits. */
function firstOutput(command, env, until) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const c = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["pipe", "pipe", "ignore"], env, detached: true });
    let out = "";
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      try {
        process.kill(-c.pid, "SIGKILL");
      } catch {
        // gone already
      }
      resolve(ms);
    };
    c.stdout.on("data", (d) => {
      out += d;
      if (until?.test(out)) end();
    });
    c.on("exit", end);
  });
}

async function benchSize(n, ca) {
  const lines = seedLines(n);
  const vaults = builds.map(([label, bin]) => ({ label, bin, ...makeVault(bin, lines) }));
  try {
    const caEnv = ca ? { NODE_EXTRA_CA_CERTS: CA } : {};
    const env = (v, extra) => ({ ...baseEnv(v.home), ...caEnv, ...extra });
    const named = (what, v) => (v.label ? `${what}, ${v.label}` : what);
    const cases = { "node -e 0": [process.execPath, ["-e", "0"], env(vaults[0], {})] };
    for (const v of vaults)
      cases[named("otp code (session)", v)] = [process.execPath, [v.bin, "code", "github"], env(v, { OTP_SESSION: v.session })];
    for (const v of vaults)
      cases[named("otp code (password, KDF)", v)] = [process.execPath, [v.bin, "code", "github"], env(v, { OTP_PASSWORD: PASSWORD })];
    for (const v of vaults) cases[named("otp list (session)", v)] = [process.execPath, [v.bin, "list"], env(v, { OTP_SESSION: v.session })];
    const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (const [, [cmd, args, e]] of Object.entries(cases)) timeOnce(cmd, args, e); // warm the page cache
    const kdfTimes = Object.fromEntries(usedEngines.map((engine) => [engine, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const [k, [cmd, args, e]] of Object.entries(cases)) times[k].push(timeOnce(cmd, args, e));
      for (const engine of usedEngines) kdfTimes[engine].push(kdfOnce(engine));
    }
    const base = median(times["node -e 0"]);
    const kdf = Object.fromEntries(usedEngines.map((engine) => [engine, median(kdfTimes[engine])]));
    const out = Object.keys(cases).map((k) => ({ k, m: median(times[k]), base, kdf }));
    // `otp watch` needs a terminal: both it and `node -e 0` run under script(1)'s pseudo-terminal,
    // and the figure is the time to the first frame's last line (the status line).
    if (hasScript) {
      const pty = { "node -e 0 (pty)": [] };
      for (const v of vaults) pty[named("otp watch, first frame (pty)", v)] = [];
      for (let i = 0; i < RUNS; i++) {
        pty["node -e 0 (pty)"].push(await firstOutput(`${process.execPath} -e 0`, env(vaults[0], {}), null));
        for (const v of vaults)
          pty[named("otp watch, first frame (pty)", v)].push(
            await firstOutput(`${process.execPath} ${v.bin} watch`, env(v, { OTP_SESSION: v.session, TERM: "xterm" }), /q quit/),
          );
      }
      const ptyBase = median(pty["node -e 0 (pty)"]);
      for (const k of Object.keys(pty)) out.push({ k, m: median(pty[k]), base: ptyBase });
    }
    return out;
  } finally {
    for (const v of vaults) rmSync(v.home, { recursive: true, force: true });
  }
}

const label = (n) => (n === 1 ? "1 entry" : `${n.toLocaleString("en")} entries`);
const rows = [];
const engines = Object.fromEntries(builds.map(([label, bin]) => [label, engineOf(bin)]));
const usedEngines = [...new Set(Object.values(engines))];
const kdfSeen = {};
for (const ca of process.env.BENCH_CA === "1" && CA ? [false, true] : [false]) {
  for (const n of SIZES) {
    process.stderr.write(
      `bench: ${label(n)}${ca ? ", NODE_EXTRA_CA_CERTS set" : ""}: making the vault, then ${RUNS} interleaved runs each…\n`,
    );
    const results = await benchSize(n, ca);
    for (const [engine, ms] of Object.entries(results[0].kdf)) (kdfSeen[engine] ??= []).push(ms);
    for (const { k, m, base, kdf } of results) {
      const row = { vault: label(n), command: k, "median ms": m.toFixed(1), "× node -e 0": (m / base).toFixed(2) };
      if (ca) row.NODE_EXTRA_CA_CERTS = "set";
      // The password rows less the KDF's own time, against `node -e 0`.
      if (k.startsWith("otp code (password, KDF)")) {
        const engine = engines[builds.find(([label]) => k.endsWith(`, ${label}`) || label === "")[0]];
        row["(ms − KDF) × node"] = `${((m - kdf[engine]) / base).toFixed(2)} (${engine} ${kdf[engine].toFixed(1)} ms)`;
      }
      rows.push(row);
    }
  }
}
console.log(
  `node ${process.version}, ${RUNS} runs each, medians of wall time, stdout piped; KDF alone (Argon2id, ops 3, 64 MiB, medians interleaved with each vault's runs): ${Object.entries(
    kdfSeen,
  )
    .map(([engine, ms]) => `${engine} ${ms.map((x) => x.toFixed(1)).join(" / ")} ms`)
    .join(", ")}; load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
console.table(rows);
