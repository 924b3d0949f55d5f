// `npm run completions`: writes completions/otp.{bash,zsh,fish} from the built CLI's
// `otp completion SHELL`, so the committed files follow the commands (a test keeps them equal).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
mkdirSync(root + "completions", { recursive: true });
for (const shell of ["bash", "zsh", "fish"]) {
  const r = spawnSync(process.execPath, [root + "bin/otp.cjs", "completion", shell], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: root },
  });
  if (r.status !== 0) throw new Error(`otp completion ${shell} failed: ${r.stderr}`);
  writeFileSync(`${root}completions/otp.${shell}`, r.stdout);
  process.stderr.write(`wrote completions/otp.${shell}\n`);
}
