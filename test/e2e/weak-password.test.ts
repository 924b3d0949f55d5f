// A weak new password from a file is kept, with a warning and a hint (the rule is in
// the README's "Passwords": zxcvbn-ts score under 3). No one is at a terminal to confirm, so the
// command goes on; the password itself is never printed. The terminal side is test/tty/weak-password.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OTP_BIN, otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectOk, newSecret, otp, waitForBuild } from "../helpers/e2e-util.js";
import { writeSecretFile } from "../helpers/safety-vault.js";

const WEAK = "password1";
const STRONG = "Quokka-Zebra-4711";
/** init and passwd run today's KDF (64 MiB); the 2-core machine is shared. */
const SLOW = 120_000;

describe("a weak new password from a file: a warning, and the command goes on", () => {
  it(
    "otp init --password-file",
    async () => {
      using h = await otpHome();
      const weak = otp(h, ["init", "--password-file", writeSecretFile(join(h.home, "weak"), `${WEAK}\n`)], { password: false });
      expectOk(weak);
      expect(weak.stderr).toMatch(
        /^otp: warning: the new vault password is weak: it is .+ \(strength [0-2] of 4; otp asks for 3 or more\)$/m,
      );
      expect(weak.stderr).toContain("otp: hint: anyone with a copy of the vault file could guess it");
      expect(weak.stdout + weak.stderr).not.toContain(WEAK);
      expect(existsSync(h.vault)).toBe(true);
      expectOk(otp(h, ["list"], { env: { OTP_PASSWORD: WEAK } }));

      using s = await otpHome();
      const strong = otp(s, ["init", "--password-file", writeSecretFile(join(s.home, "strong"), `${STRONG}\n`)], { password: false });
      expectOk(strong);
      expect(strong.stderr).not.toMatch(/weak|warning/);
    },
    SLOW,
  );

  it(
    "otp passwd --new-password-file",
    async () => {
      using h = await otpHome([totp("github", newSecret())]);
      const r = otp(h, ["passwd", "--new-password-file", writeSecretFile(join(h.home, "weak"), "qwertyuiop\n")]);
      expectOk(r);
      expect(r.stderr).toMatch(/otp: warning: the new vault password is weak/);
      expect(r.stderr).not.toContain("qwertyuiop");
      expect(r.stderr).toContain("password changed");
      const ok = otp(h, ["passwd", "--new-password-file", writeSecretFile(join(h.home, "strong"), `${STRONG}\n`)], {
        env: { OTP_PASSWORD: "qwertyuiop" },
      });
      expectOk(ok);
      expect(ok.stderr).not.toMatch(/weak/);
    },
    SLOW,
  );

  it(
    "otp backup --backup-password-file",
    async () => {
      using h = await otpHome([totp("github", newSecret())]);
      const r = otp(h, ["backup", join(h.home, "b.otp"), "--backup-password-file", writeSecretFile(join(h.home, "weak"), "letmein123\n")]);
      expectOk(r);
      expect(r.stderr).toMatch(/otp: warning: the new backup password is weak: it is close to a commonly used password/);
      expect(r.stderr).toContain("anyone with a copy of the backup file could guess it");
      expect(r.stderr).not.toContain("letmein123");
    },
    SLOW,
  );
});

/** The packages `otp ARGS` resolved, by an ESM resolve hook (externals load with import()). */
function packagesLoadedBy(h: OtpHome, args: string[], env: Record<string, string> = {}): string[] {
  waitForBuild();
  const hook = join(h.home, "hook.mjs");
  const log = join(h.home, "resolved.log");
  writeFileSync(
    hook,
    `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(\`
import { appendFileSync } from "node:fs";
export async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(${JSON.stringify(log)}, r.url + "\\\\n"); return r; }
\`));
`,
  );
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", hook, OTP_BIN, ...args], { env: h.env(env), encoding: "utf8", timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

describe("the password checker loads only where a new password is set", () => {
  it(
    "otp code never loads zxcvbn-ts; otp passwd does",
    async () => {
      using h = await otpHome([totp("github", newSecret())]);
      expect(packagesLoadedBy(h, ["code", "github"]).filter((u) => u.includes("zxcvbn"))).toEqual([]);
      const pw = writeSecretFile(join(h.home, "strong"), `${STRONG}\n`);
      expect(packagesLoadedBy(h, ["passwd", "--new-password-file", pw]).some((u) => u.includes("@zxcvbn-ts/core"))).toBe(true);
    },
    SLOW,
  );
});
