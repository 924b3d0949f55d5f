// `npm run bench`: the start-up cost of `otp code` and `otp list`, beside `node -e 0` measured in
// the same run, for vaults of 1, 300 and 10,000 entries: `otp code` with a session (no KDF) and
// with the password (Argon2id at the default parameters), `otp list` with a session (what
// `otp watch` reads before its first frame). NODE_EXTRA_CA_CERTS is unset, as most users have it
// (BENCH_CA=1 adds rows with it set). Runs are interleaved so drift hits all alike; prints
// medians and the ratio to `node -e 0`. Output is piped, as in `$(otp code x)`.
//
// BENCH_BASELINE=/path/to/an/older/checkout/bin/otp.cjs times that build too, in the same run,
// each build on a vault it made itself (an older build may not read a newer format): "today"
// beside "new" for a change. BENCH_SIZES=1,300 picks the vault sizes; BENCH_RUNS the runs.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const NEW = fileURLToPath(new URL("../bin/otp.cjs", import.meta.url));
const BASELINE = process.env.BENCH_BASELINE || null;
const RUNS = Number(process.env.BENCH_RUNS || 25);
const SIZES = (process.env.BENCH_SIZES || "1,300,10000").split(",").map(Number);
const PASSWORD = "correct horse battery staple";
// The rows, by the names the README cites.
const ROW = { session: "otp code (session)", password: "otp code (password, KDF)", list: "otp list (session)" };
const CA = process.env.BENCH_CA === "1" ? process.env.NODE_EXTRA_CA_CERTS || "/etc/ssl/certs/ca-certificates.crt" : undefined;

function baseEnv(home) {
  const env = { PATH: process.env.PATH, HOME: home, LANG: "C", TZ: "UTC", NO_COLOR: "1" };
  return env;
}

function otp(bin, home, args, extra = {}, input) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...baseEnv(home), ...extra }, input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`otp ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** A random 160-bit base32 seed (distinct: an import would skip duplicates). */
function secret() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return Array.from(randomBytes(32), (b) => alphabet[b % 32]).join("");
}

function makeVault(bin, entries) {
  const home = mkdtempSync(join(tmpdir(), "otp-bench-"));
  otp(bin, home, ["init"], { OTP_PASSWORD: PASSWORD });
  const lines = [];
  for (let i = 0; i < entries; i++) lines.push(`otpauth://totp/Issuer${i}:user${i}%40example.com?secret=${secret()}&issuer=Issuer${i}`);
  lines[0] = `otpauth://totp/GitHub:me?secret=${secret()}&issuer=GitHub`;
  const file = join(home, "seeds.txt");
  writeFileSync(file, lines.join("\n") + "\n");
  otp(bin, home, ["import", file], { OTP_PASSWORD: PASSWORD });
  rmSync(file);
  const count = otp(bin, home, ["list"], { OTP_PASSWORD: PASSWORD }).trim().split("\n").length;
  if (count !== entries) throw new Error(`bench: the vault holds ${count} entries, not ${entries}`);
  const session = otp(bin, home, ["unlock", "--for", "1h"], { OTP_PASSWORD: PASSWORD })
    .trim()
    .replace(/^export OTP_SESSION=/, "");
  return { home, session };
}

function timeOnce(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function benchVaults(label, vaults) {
  const rows = [];
  for (const ca of CA ? [false, true] : [false]) {
    const caEnv = ca ? { NODE_EXTRA_CA_CERTS: CA } : {};
    const cases = { "node -e 0": [process.execPath, ["-e", "0"], { ...baseEnv(vaults[0].home), ...caEnv }] };
    for (const v of vaults) {
      const tag = vaults.length > 1 ? ` [${v.name}]` : "";
      const session = { ...baseEnv(v.home), ...caEnv, OTP_SESSION: v.session };
      cases[ROW.session + tag] = [process.execPath, [v.bin, "code", "github"], session];
      cases[ROW.password + tag] = [process.execPath, [v.bin, "code", "github"], { ...baseEnv(v.home), ...caEnv, OTP_PASSWORD: PASSWORD }];
      cases[ROW.list + tag] = [process.execPath, [v.bin, "list"], session];
    }
    const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (const [, [cmd, args, env]] of Object.entries(cases)) timeOnce(cmd, args, env); // warm the page cache
    for (let i = 0; i < RUNS; i++) for (const [k, [cmd, args, env]] of Object.entries(cases)) times[k].push(timeOnce(cmd, args, env));
    const base = median(times["node -e 0"]);
    for (const k of Object.keys(cases)) {
      const m = median(times[k]);
      rows.push({
        vault: label,
        NODE_EXTRA_CA_CERTS: ca ? "set" : "unset",
        command: k,
        "median ms": m.toFixed(1),
        "× node -e 0": (m / base).toFixed(2),
      });
    }
  }
  return rows;
}

const builds = [...(BASELINE ? [{ name: "today", bin: BASELINE }] : []), { name: "new", bin: NEW }];
const rows = [];
for (const n of SIZES) {
  const label = n === 1 ? "1 entry" : `${n.toLocaleString("en")} entries`;
  process.stderr.write(`bench: making vaults of ${label}…\n`);
  const vaults = builds.map((b) => ({ ...b, ...makeVault(b.bin, n) }));
  try {
    process.stderr.write(`bench: timing ${RUNS} interleaved runs each…\n`);
    rows.push(...benchVaults(label, vaults));
  } finally {
    for (const v of vaults) rmSync(v.home, { recursive: true, force: true });
  }
}
console.log(`node ${process.version}, ${RUNS} runs each, medians of wall time, stdout piped${BASELINE ? `; today = ${BASELINE}` : ""}`);
console.table(rows);
