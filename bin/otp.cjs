#!/usr/bin/env node
// Launcher: everything lives in the bundled CLI (see scripts/build.mjs).
require("../dist/otp.cjs");
