// `npm test`'s checks before vitest, side by side: the type check, lint, and both builds (the
// product's, then the test bundle's). Run one after another they took ~25 s of the 2-core
// machine; together ~18 s, since the type check and ESLint each keep one core busy. Each one's
// output is printed whole when it ends, so two never interleave; any failure fails the run.
import { spawn } from "node:child_process";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const steps = [["typecheck"], ["lint"], ["build", "build:test"]];

const run = (scripts) =>
  scripts.reduce(
    (previous, script) =>
      previous.then((ok) => {
        if (!ok) return false;
        return new Promise((resolve) => {
          const child = spawn(npm, ["run", "-s", script], { stdio: ["ignore", "pipe", "pipe"] });
          let out = "";
          child.stdout.on("data", (d) => (out += d));
          child.stderr.on("data", (d) => (out += d));
          child.on("error", (err) => (out += `${err.message}\n`));
          child.on("close", (code) => {
            process.stdout.write(`> ${script}: ${code === 0 ? "ok" : `failed (exit ${code})`}\n${out}`);
            resolve(code === 0);
          });
        });
      }),
    Promise.resolve(true),
  );

const results = await Promise.all(steps.map(run));
if (results.includes(false)) process.exit(1);
