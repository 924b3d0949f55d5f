// New passwords at a terminal: a weak one needs a yes to "use it anyway?" (no:
// asked for another; an empty one is asked again: test/tty/prompts), and a seed given as QUERY is
// refused before any password prompt. The file and environment side is test/e2e/weak-password.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { otpHome, runOtpAsync, totp, writeVault } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const WEAK = "password1";
const STRONG = "Quokka-Zebra-4711";
const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/** The vault opens with `password` (a separate otp process). */
async function opensWith(vault: string, home: string, password: string): Promise<boolean> {
  const r = await runOtpAsync(["list", "--vault", vault], {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_RUNTIME_DIR: join(home, "run"),
    OTP_PASSWORD: password,
    NO_COLOR: "1",
  });
  return r.code === 0;
}

describe.skipIf(!needTool("tmux"))("new passwords at a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it("a weak password: warned, and no to 'use it anyway?' asks for another; the strong one is kept", async () => {
    using h = await otpHome();
    const t = await startTmux({ home: h.home, args: ["init"] });
    await t.waitFor(/New vault password:/);
    await t.type(WEAK);
    await t.sendKeys("Enter");
    await t.waitFor(/warning: the new vault password is weak: .*\n(.*\n)*.*Use this weak password anyway\? \(y\/N\)/);
    await t.type("n");
    await t.sendKeys("Enter");
    await t.waitFor(/choose another one(.*\n)*.*New vault password:/);
    await t.type(STRONG);
    await t.sendKeys("Enter");
    await t.waitFor(/Repeat the password:/);
    await t.type(STRONG);
    await t.sendKeys("Enter");
    expect(await t.exitCode(60_000)).toBe(0);
    const log = await t.waitForOutput(/created /);
    expect(log).not.toContain(WEAK);
    expect(log).not.toContain(STRONG);
    expect(await opensWith(h.vault, h.home, STRONG)).toBe(true);
  }, 90_000);

  it("a weak password: yes keeps it, after the repeat", async () => {
    using h = await otpHome();
    const t = await startTmux({ home: h.home, args: ["init"] });
    await t.waitFor(/New vault password:/);
    await t.type(WEAK);
    await t.sendKeys("Enter");
    await t.waitFor(/Use this weak password anyway\?/);
    await t.type("y");
    await t.sendKeys("Enter");
    await t.waitFor(/Repeat the password:/);
    await t.type(WEAK);
    await t.sendKeys("Enter");
    expect(await t.exitCode(60_000)).toBe(0);
    expect(await opensWith(h.vault, h.home, WEAK)).toBe(true);
  }, 90_000);

  it("a strong password is not questioned", async () => {
    using h = await otpHome();
    const t = await startTmux({ home: h.home, args: ["init"] });
    await t.waitFor(/New vault password:/);
    await t.type(STRONG);
    await t.sendKeys("Enter");
    await t.waitFor(/Repeat the password:/);
    expect(await t.screen()).not.toMatch(/weak|anyway/);
    await t.type(STRONG);
    await t.sendKeys("Enter");
    expect(await t.exitCode(60_000)).toBe(0);
  }, 90_000);

  it("otp code SECRET exits 2 without asking for the vault password", async () => {
    using h = await otpHome();
    await writeVault(h.vault, [totp("github", SEED)]);
    const t = await startTmux({ home: h.home, args: ["code", SEED] });
    expect(await t.exitCode()).toBe(2);
    const screen = await t.screen();
    expect(screen).toMatch(/otp: error: QUERY looks like a secret or an otpauth URI/);
    expect(screen).not.toMatch(/password/i);
    expect(screen.replace(/\[exit 2\]/, "")).not.toContain(SEED);
    expect(await t.waitForOutput(/QUERY looks like/)).not.toContain(SEED);
  });
});
