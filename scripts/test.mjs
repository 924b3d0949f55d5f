// `npm test`: the two builds first (the product's, then the test bundle's: the e2e and tty layers
// run them), then the type check, lint and every vitest layer side by side. Arguments go to
// vitest (`npm test -- --reporter=json …`, as .ci/run does). vitest's own output streams as it
// runs; each check's output is printed whole once vitest ends, so nothing interleaves and the
// checks' verdicts come last. Any failure fails the run.
//
// Why side by side: the checks take ~24 s of the 2-core machine on their own, yet vitest leaves
// cores idle while its tests wait on the processes they start. Checks first, then vitest: 253 s;
// side by side: 239 s (vitest itself 229 → 234 s).
import { spawn } from "node:child_process";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}` };

/** Runs a command; its output is kept (capture) or goes straight to ours. Resolves to whether it exited 0, with what it printed. */
function run(command, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: capture ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"] });
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    child.on("error", (err) => {
      out += `${err.message}\n`;
      if (!capture) process.stderr.write(`${command}: ${err.message}\n`); // e.g. vitest not installed: say so, not only fail
    });
    child.on("close", (code) => resolve({ ok: code === 0, out, code }));
  });
}

const report = (name, r) => process.stdout.write(`> ${name}: ${r.ok ? "ok" : `failed (exit ${r.code})`}\n${r.out}`);

for (const script of ["build", "build:test"]) {
  const r = await run(npm, ["run", "-s", script], true);
  report(script, r);
  if (!r.ok) process.exit(1);
}

const checks = ["typecheck", "lint"].map((script) => run(npm, ["run", "-s", script], true).then((r) => ({ script, r })));
const vitest = await run("vitest", ["run", ...process.argv.slice(2)], false);
let ok = vitest.ok;
for (const { script, r } of await Promise.all(checks)) {
  report(script, r);
  ok &&= r.ok;
}
process.exit(ok ? 0 : 1);
