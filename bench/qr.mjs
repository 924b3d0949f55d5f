// `npm run bench` (part 2): QR images and big imports.
// - Decoding a QR from a 1920×1080 screenshot (a small code on a page) and a 4000×3000 JPEG
//   photo of a screen (a big code, slightly turned, noisy), with otp's own reader
//   (src/io/qr-image.ts, bundled here by esbuild): "cold" is a fresh process (loading sharp and
//   jsQR, jsQR's first call) and "warm" the same image again in that process; and end to end,
//   `otp import --dry-run IMAGE` with a session (no KDF).
// - `otp import` of 10,000 otpauth:// URIs into an empty vault with a session: its wall time,
//   and a check that it wrote the vault once (exactly one new snapshot).
// Images are made here with sharp and qrcode, so the bench needs no outside tool.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import QRCode from "qrcode";
import sharp from "sharp";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OTP = join(ROOT, "bin", "otp.cjs");
const RUNS = Number(process.env.BENCH_RUNS || 7);
const PASSWORD = "correct horse battery staple";
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const secret = () => Array.from(randomBytes(32), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32]).join("");

function otp(home, args, extra = {}, input) {
  const r = spawnSync(process.execPath, [OTP, ...args], {
    env: { PATH: process.env.PATH, HOME: home, LANG: "C", TZ: "UTC", NO_COLOR: "1", ...extra },
    input,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`otp ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function timed(fn) {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
}

async function makeImages(dir) {
  const uri = `otpauth://totp/Example:alice%40example.com?secret=${secret()}&issuer=Example&algorithm=SHA1&digits=6&period=30`;
  const qr = await QRCode.toBuffer(uri, { type: "png", margin: 4, scale: 5, errorCorrectionLevel: "M" });
  // A 2FA setup page: header bar, panels, lines of "text", the code in a card.
  const bars = Array.from({ length: 14 }, (_, i) => ({
    input: { create: { width: 300 + ((i * 137) % 500), height: 14, channels: 3, background: "#c8ccd2" } },
    left: 420,
    top: 180 + i * 34,
  }));
  const screenshot = join(dir, "screenshot-1080p.png");
  await sharp({ create: { width: 1920, height: 1080, channels: 3, background: "#f6f7f9" } })
    .composite([
      { input: { create: { width: 1920, height: 64, channels: 3, background: "#24292f" } }, left: 0, top: 0 },
      { input: { create: { width: 300, height: 1016, channels: 3, background: "#eaecef" } }, left: 0, top: 64 },
      ...bars,
      { input: { create: { width: 420, height: 420, channels: 3, background: "#ffffff" } }, left: 1180, top: 300 },
      { input: qr, left: 1220, top: 340 },
    ])
    .png()
    .toFile(screenshot);
  // A phone photo of a screen showing the code: big, turned 4°, soft, noisy, JPEG.
  const big = await sharp(await QRCode.toBuffer(uri, { type: "png", margin: 4, scale: 40, errorCorrectionLevel: "M" }))
    .rotate(4, { background: "#f2f2f2" })
    .blur(2)
    .toBuffer();
  const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, noise: { type: "gaussian", mean: 128, sigma: 18 } } })
    .png()
    .toBuffer();
  const photo = join(dir, "photo-4000x3000.jpg");
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#3a3d42" } })
    .composite([
      { input: { create: { width: 2600, height: 2600, channels: 3, background: "#e9e9e9" } }, left: 700, top: 200 },
      { input: big, left: 900, top: 300 },
      { input: noise, blend: "soft-light" },
    ])
    .jpeg({ quality: 88 })
    .toFile(photo);
  return { uri, screenshot, photo };
}

/** Bundles the reader once, into node_modules/.cache, so it resolves sharp and jsqr. */
async function readerBundle() {
  const dir = join(ROOT, "node_modules", ".cache", "otp-bench");
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, "entry.ts");
  writeFileSync(
    entry,
    `import { readQrCodes } from ${JSON.stringify(join(ROOT, "src/io/qr-image.ts"))};\n` +
      `import { readFileSync } from "node:fs";\n` +
      `const bytes = new Uint8Array(readFileSync(process.argv[2]));\n` +
      `const c0 = process.cpuUsage(); const t0 = performance.now(); const first = await readQrCodes(bytes, "x"); const cold = performance.now() - t0;\n` +
      `const c1 = process.cpuUsage(c0); const coldCpu = (c1.user + c1.system) / 1000;\n` +
      `const warm = []; for (let i = 0; i < 3; i++) { const t = performance.now(); await readQrCodes(bytes, "x"); warm.push(performance.now() - t); }\n` +
      `console.log(JSON.stringify({ text: first[0], cold, coldCpu, warm }));\n`,
  );
  const out = join(dir, "reader.mjs");
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["sharp", "jsqr", "protobufjs", "qrcode"],
    logLevel: "warning",
  });
  return out;
}

const home = mkdtempSync(join(tmpdir(), "otp-bench-qr-"));
try {
  process.stderr.write("bench: making the images…\n");
  const { uri, screenshot, photo } = await makeImages(home);
  const reader = await readerBundle();
  otp(home, ["init"], { OTP_PASSWORD: PASSWORD });
  const session = otp(home, ["unlock", "--for", "1h"], { OTP_PASSWORD: PASSWORD })
    .trim()
    .replace(/^export OTP_SESSION=/, "");
  const rows = [];
  for (const [label, file] of [
    ["1920×1080 screenshot (PNG)", screenshot],
    ["4000×3000 photo (JPEG)", photo],
  ]) {
    process.stderr.write(`bench: decoding the ${label}, ${RUNS} runs…\n`);
    const cold = [];
    const coldCpu = [];
    const warm = [];
    const e2e = [];
    for (let i = 0; i < RUNS; i++) {
      const r = spawnSync(process.execPath, [reader, file], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`reader failed on ${file}: ${r.stderr}`);
      const res = JSON.parse(r.stdout);
      if (res.text !== uri) throw new Error(`bench: ${label} decoded to something else`);
      cold.push(res.cold);
      coldCpu.push(res.coldCpu);
      warm.push(median(res.warm));
      e2e.push(timed(() => otp(home, ["import", "--dry-run", file], { OTP_SESSION: session })).ms);
    }
    rows.push({
      what: `decode ${label}`,
      "cold ms": median(cold).toFixed(0),
      "cold CPU ms": median(coldCpu).toFixed(0),
      "warm ms": median(warm).toFixed(0),
      "otp import --dry-run ms": median(e2e).toFixed(0),
    });
  }
  // On a shared machine wall times grow with the load; CPU time much less.
  console.log(
    `node ${process.version}, ${RUNS} runs each, medians; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} on ${cpus().length} cores`,
  );
  console.log("cold: the first decode in a fresh process (loads sharp and jsQR; jsQR's first call is slow); warm: the same image again");
  console.table(rows);

  process.stderr.write("bench: importing 10,000 URIs…\n");
  const list = join(home, "10k.txt");
  writeFileSync(
    list,
    Array.from(
      { length: 10_000 },
      (_, i) => `otpauth://totp/Issuer${i}:user${i}%40example.com?secret=${secret()}&issuer=Issuer${i}\n`,
    ).join(""),
  );
  const snaps = join(home, ".local", "share", "otp", "snapshots");
  const count = () => readdirSync(snaps, { withFileTypes: true }).filter((d) => d.isFile()).length;
  mkdirSync(snaps, { recursive: true, mode: 0o700 });
  const before = count();
  const { ms } = timed(() => otp(home, ["import", list], { OTP_SESSION: session }));
  const writes = count() - before;
  const listed = otp(home, ["list"], { OTP_SESSION: session }).trim().split("\n").length;
  if (listed !== 10_000) throw new Error(`bench: the vault holds ${listed} entries, not 10,000`);
  if (writes !== 1) throw new Error(`bench: the import wrote the vault ${writes} times, not once`);
  console.table([
    { what: "otp import of 10,000 otpauth:// URIs (session, empty vault)", "wall ms": ms.toFixed(0), "vault writes": writes },
  ]);
} finally {
  rmSync(home, { recursive: true, force: true });
}
