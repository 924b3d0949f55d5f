// Issue 6's prompts in a real terminal (tmux): the recovery key typed hidden with a typo caught
// and asked again, `otp init` showing the key with its advice, `otp passwd` asking twice,
// pasting recovery codes, and the question before `otp restore --replace`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { otpHome, runOtpAsync, type OtpHome } from "../helpers/otp-home.js";
import { codes, entry, vaultData, writeSafeVault } from "../helpers/safety-vault.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

async function homeWithKey(): Promise<OtpHome & { key: string }> {
  const h = await otpHome();
  const { recoveryKey } = await writeSafeVault(h.vault, vaultData([entry("github", SEED, { recoveryCodes: codes(2, "gh") })]));
  return Object.assign(h, { key: recoveryKey! });
}

async function names(h: OtpHome, env: Record<string, string>): Promise<string[]> {
  const r = await runOtpAsync(["list"], { ...h.env({}, { password: false }), ...env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split("\n").filter(Boolean);
}

describe.skipIf(!needTool("tmux"))("backup, restore and recovery prompts on a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it("otp init shows the recovery key once, framed by the advice to write it down", async () => {
    using h = await otpHome();
    const t = await startTmux({ home: h.home, args: ["init"], env: { OTP_PASSWORD: "test" } });
    expect(await t.exitCode(60_000)).toBe(0);
    const screen = await t.screen();
    expect(screen).toContain("write it down on paper");
    const key = screen.match(/^ {4}([0-9A-Z]{5}(?:-[0-9A-Z]{5}){6})$/m)?.[1];
    expect(key, screen).toBeDefined();
    expect(await names(h, { OTP_RECOVERY_KEY: key! })).toEqual([]);
  }, 120_000);

  it("unlock --recovery-key: hidden, a mistyped group is named and asked again, then the session is printed", async () => {
    using h = await homeWithKey();
    const groups = h.key.split("-");
    const typo = [
      ...groups.slice(0, 4),
      groups[4]![0] + (groups[4]![1] === "A" ? "B" : "A") + groups[4]!.slice(2),
      ...groups.slice(5),
    ].join("-");
    const out = join(h.home, "session.txt");
    const t = await startTmux({ home: h.home, shell: `otp unlock --recovery-key > '${out}'` });
    await t.waitFor(/Recovery key \(hidden\):/, 30_000);
    await t.type(typo);
    await t.sendKeys("Enter");
    await t.waitFor(/group 5 has a typo \(its check character does not match\); try again[\s\S]*Recovery key/);
    await t.type(h.key.toLowerCase());
    await t.sendKeys("Enter");
    expect(await t.exitCode(60_000)).toBe(0);
    const log = await t.waitForOutput(/unlocked until/);
    for (const g of groups) expect(log).not.toContain(g);
    const session = readFileSync(out, "utf8")
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    expect(await names(h, { OTP_SESSION: session })).toEqual(["github"]);
  });

  it("otp passwd asks for the new password twice, shows none of it, and the vault opens with it", async () => {
    using h = await homeWithKey();
    const t = await startTmux({ home: h.home, args: ["passwd"], env: { OTP_RECOVERY_KEY: h.key } });
    await t.waitFor(/New vault password:/, 30_000);
    await t.type("Quokka-New-4711");
    await t.sendKeys("Enter");
    await t.waitFor(/Repeat the password:/);
    await t.type("Quokka-New-4711");
    await t.sendKeys("Enter");
    expect(await t.exitCode(60_000)).toBe(0);
    expect(await t.waitForOutput(/password changed/)).not.toContain("Quokka-New");
    expect(await names(h, { OTP_PASSWORD: "Quokka-New-4711" })).toEqual(["github"]);
  }, 120_000);

  it("recovery add: codes pasted line by line, an empty line ends", async () => {
    using h = await homeWithKey();
    const t = await startTmux({ home: h.home, args: ["recovery", "add", "github"], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/Paste the recovery codes of "github"/, 30_000);
    await t.type("aaaa-1111\nbbbb-2222 cccc-3333\n\n");
    expect(await t.exitCode(60_000)).toBe(0);
    expect(await t.screen()).toContain('added 3 recovery codes to "github"; it has 5 now');
  });

  it("restore --replace asks first; no leaves the vault as it was", async () => {
    using h = await homeWithKey();
    const backup = join(h.home, "b.otp");
    const made = await runOtpAsync(["backup", backup], h.env());
    expect(made.code, made.stderr).toBe(0);
    const add = await runOtpAsync(["add", "extra", "--stdin"], h.env(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(add.code, add.stderr).toBe(0);
    const t = await startTmux({ home: h.home, args: ["restore", "--replace", backup], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/Replace the vault's 2 entries with the backup's 1\? 1 entry the backup lacks will be removed\./, 30_000);
    await t.type("n");
    await t.sendKeys("Enter");
    expect(await t.exitCode(60_000)).toBe(0);
    expect(await t.screen()).toContain("nothing restored");
    expect(await names(h, { OTP_PASSWORD: "test" })).toEqual(["github", "extra"]);
  });
});
