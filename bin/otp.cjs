#!/usr/bin/env node
// Launcher for the bundled CLI (dist/otp.cjs, see scripts/build.mjs). It compiles the bundle
// with V8's code cache (dist/otp.cjs.cache, made by the build from a real `otp code` run),
// which saves `otp code` about a third of its start-up. The cache starts with the SHA-256 of
// the bundle it was made from and is used only when that matches: V8 itself checks little
// more than the source length. Any problem with the cache → an ordinary compile.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");
const { createHash } = require("node:crypto");

const file = path.join(__dirname, "..", "dist", "otp.cjs");
const cacheFile = file + ".cache";
const source = fs.readFileSync(file, "utf8");
const digest = createHash("sha256").update(source).digest();
let cachedData;
try {
  const cache = fs.readFileSync(cacheFile);
  if (cache.length > 32 && cache.subarray(0, 32).equals(digest)) cachedData = cache.subarray(32);
} catch {
  // no cache: compile normally
}
// Module.wrap's parameters plus __otpImport: import() here works in functions restored from
// the cache, which inside the bundle lose their dynamic-import callback (src/core/load.ts).
const wrapped = "(function (exports, require, module, __filename, __dirname, __otpImport) {" + source + "\n})";
const script = new vm.Script(wrapped, { filename: file, cachedData });
if (process.env.OTP_BUILD_CODE_CACHE === cacheFile) {
  // scripts/build.mjs: write the cache once this run has compiled what `otp code` uses.
  process.on("exit", () => fs.writeFileSync(cacheFile, Buffer.concat([digest, script.createCachedData()])));
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file), (specifier) => import(specifier));
