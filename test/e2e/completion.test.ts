// Shell completions: completions/ holds exactly what `otp completion SHELL` prints (regenerate
// with `npm run completions`), every command of the program appears in each script, and entry
// names come only through an unlocked session, never through OTP_PASSWORD or a prompt.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, newSecret, otp, otpNullStdin } from "../helpers/e2e-util.js";

const SHELLS = ["bash", "zsh", "fish"] as const;

describe("otp completion", () => {
  it("completions/ holds exactly the generated scripts (run `npm run completions` after changing commands)", async () => {
    await using h = await otpHome();
    for (const shell of SHELLS) {
      const printed = expectOk(otp(h, ["completion", shell]));
      const committed = readFileSync(join(ROOT, "completions", `otp.${shell}`), "utf8");
      expect(committed === printed, `completions/otp.${shell} is stale: run \`npm run completions\``).toBe(true);
    }
  });

  it("every command in `otp --help` is in every script", async () => {
    await using h = await otpHome();
    const help = expectOk(otp(h, ["--help"]));
    const commands = [...help.slice(help.indexOf("Commands:")).matchAll(/^  ([a-z][a-z-]*)/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(["code", "watch", "completion", "help"]));
    for (const shell of SHELLS) {
      const script = expectOk(otp(h, ["completion", shell]));
      for (const c of commands) expect(script, `${c} in ${shell}`).toMatch(new RegExp(`\\b${c}\\b`));
    }
  });

  it("an unknown or missing shell is exit 2", async () => {
    await using h = await otpHome();
    expectFailure(otp(h, ["completion", "tcsh"]), 2, /bash, zsh, fish/);
    expectFailure(otp(h, ["completion"]), 2, "name a shell");
  });

  it("--entries lists names through a session only; with just a password, or none, it prints nothing and succeeds", async () => {
    await using h = await otpHome([totp("github", newSecret()), totp("bank\x1b[31m", newSecret())]);
    const session = expectOk(otp(h, ["unlock"]))
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    expect(expectOk(otpNullStdin(h, ["completion", "--entries"], { password: false, env: { OTP_SESSION: session } }))).toBe("github\n"); // a name with control characters is left out
    for (const env of [
      {},
      { OTP_PASSWORD: "test" },
      { OTP_SESSION: "0123456789abcdef-0123456789abcdef01234567.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
    ]) {
      const r = otpNullStdin(h, ["completion", "--entries"], { password: false, env });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).toBe("");
    }
    expectOk(otp(h, ["lock"]));
    expect(otpNullStdin(h, ["completion", "--entries"], { password: false, env: { OTP_SESSION: session } }).stdout).toBe("");
  });

  it("is not in `otp completion --help`'s options (--entries is for the scripts), and the help says how to install", async () => {
    await using h = await otpHome();
    const out = expectOk(otp(h, ["completion", "--help"]));
    expect(out).not.toContain("--entries");
    expect(out).toMatch(/bash-completion\/completions\/otp/);
    expect(out).toMatch(/fish\/completions\/otp\.fish/);
  });
});
