// `npm run bench`: the start-up cost of `otp code`, beside `node -e 0` measured in the same
// run, for a vault of 1 and of 10,000 entries, with a session (no KDF) and with the password
// (Argon2id at the default parameters), each with NODE_EXTRA_CA_CERTS set as this machine
// has it and unset as most users have it. Runs are interleaved so drift hits all alike.
// Prints medians (and the ratio to `node -e 0`). Output is piped, as in `$(otp code x)`.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const OTP = fileURLToPath(new URL("../bin/otp.cjs", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS || 25);
const PASSWORD = "correct horse battery staple";
const CA = process.env.NODE_EXTRA_CA_CERTS || (process.platform === "linux" ? "/etc/ssl/certs/ca-certificates.crt" : undefined);

function baseEnv(home) {
  const env = { PATH: process.env.PATH, HOME: home, LANG: "C", TZ: "UTC", NO_COLOR: "1" };
  return env;
}

function otp(home, args, extra = {}, input) {
  const r = spawnSync(process.execPath, [OTP, ...args], { env: { ...baseEnv(home), ...extra }, input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`otp ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** A random 160-bit base32 seed (distinct: an import would skip duplicates). */
function secret() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return Array.from(randomBytes(32), (b) => alphabet[b % 32]).join("");
}

function makeVault(entries) {
  const home = mkdtempSync(join(tmpdir(), "otp-bench-"));
  otp(home, ["init"], { OTP_PASSWORD: PASSWORD });
  const lines = [];
  for (let i = 0; i < entries; i++) lines.push(`otpauth://totp/Issuer${i}:user${i}%40example.com?secret=${secret()}&issuer=Issuer${i}`);
  lines[0] = `otpauth://totp/GitHub:me?secret=${secret()}&issuer=GitHub`;
  const file = join(home, "seeds.txt");
  writeFileSync(file, lines.join("\n") + "\n");
  otp(home, ["import", file], { OTP_PASSWORD: PASSWORD });
  rmSync(file);
  const count = otp(home, ["list"], { OTP_PASSWORD: PASSWORD }).trim().split("\n").length;
  if (count !== entries) throw new Error(`bench: the vault holds ${count} entries, not ${entries}`);
  const session = otp(home, ["unlock", "--for", "1h"], { OTP_PASSWORD: PASSWORD })
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

function benchVault(label, vault) {
  const rows = [];
  for (const ca of [false, true]) {
    if (ca && !CA) continue;
    const caEnv = ca ? { NODE_EXTRA_CA_CERTS: CA } : {};
    const cases = {
      "node -e 0": [process.execPath, ["-e", "0"], { ...baseEnv(vault.home), ...caEnv }],
      "otp code (session)": [process.execPath, [OTP, "code", "github"], { ...baseEnv(vault.home), ...caEnv, OTP_SESSION: vault.session }],
      "otp code (password, KDF)": [process.execPath, [OTP, "code", "github"], { ...baseEnv(vault.home), ...caEnv, OTP_PASSWORD: PASSWORD }],
    };
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

const rows = [];
for (const [label, n] of [
  ["1 entry", 1],
  ["10,000 entries", 10_000],
]) {
  process.stderr.write(`bench: making a vault of ${label}…\n`);
  const vault = makeVault(n);
  try {
    process.stderr.write(`bench: timing ${RUNS} interleaved runs each…\n`);
    rows.push(...benchVault(label, vault));
  } finally {
    rmSync(vault.home, { recursive: true, force: true });
  }
}
console.log(`node ${process.version}, ${RUNS} runs each, medians of wall time, stdout piped`);
console.table(rows);
