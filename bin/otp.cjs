#!/usr/bin/env node
// Launcher for the bundled CLI (dist/otp.cjs, see scripts/build.mjs). It compiles the bundle
// with V8's code cache (dist/otp.cjs.cache, made by the build from a real `otp code` run),
// which saves `otp code` about a third of its start-up. The cache starts with the random id
// of the build it was made from (the bundle's last line is `//otp-build:<id>`) and is used
// only when they match: V8 itself checks little more than the source length. No hash here:
// node:crypto would cost more than the cache saves. Any problem → an ordinary compile.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");

const file = path.join(__dirname, "..", "dist", "otp.cjs");
const cacheFile = file + ".cache";
// The bundle is ASCII (esbuild escapes the rest): latin1 is the same text, decoded faster.
const source = fs.readFileSync(file, "latin1");
const stamp = /\/\/otp-build:([0-9a-f]{32})\s*$/.exec(source.slice(-64));
const buildId = stamp ? Buffer.from(stamp[1], "latin1") : null;
let cachedData;
try {
  const cache = fs.readFileSync(cacheFile);
  if (buildId && cache.length > 32 && cache.subarray(0, 32).equals(buildId)) cachedData = cache.subarray(32);
} catch {
  // no cache: compile normally
}
// The file is one function expression (scripts/build.mjs writes the wrapper): Module.wrap's
// parameters plus __otpImport, so that import() works in functions restored from the cache,
// which inside the bundle lose their dynamic-import callback (src/core/load.ts).
const script = new vm.Script(source, { filename: file, cachedData });
if (process.env.OTP_BUILD_CODE_CACHE === cacheFile) {
  // scripts/build.mjs: write the cache once this run has compiled what `otp code` uses, on top of
  // what the cache it started from held (unless V8 refused that one: then keep it).
  process.on(
    "exit",
    () => buildId && !script.cachedDataRejected && fs.writeFileSync(cacheFile, Buffer.concat([buildId, script.createCachedData()])),
  );
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file), (specifier) => import(specifier));
