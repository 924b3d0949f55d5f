// Outside tools (oathtool, tmux, …): a test that needs one is skipped with a visible reason
// on a developer's machine without it, and fails instead under CI=true, where .ci/run
// installs every tool the tests use.
import { execFileSync } from "node:child_process";

export function hasTool(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns true when the tool is present. When it is missing: under CI=true throws (so the
 * suite fails), elsewhere prints why the tests are skipped and returns false; use the result
 * with `describe.skipIf(!needTool("oathtool"))`.
 */
export function needTool(name: string, debianPackage = name): boolean {
  if (hasTool(name)) return true;
  if (process.env.CI === "true")
    throw new Error(`${name} is missing under CI=true: .ci/run must install the Debian package ${debianPackage}`);
  console.warn(`SKIPPED: tests that need ${name} (install the Debian package ${debianPackage})`);
  return false;
}
