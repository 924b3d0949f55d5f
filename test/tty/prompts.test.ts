// Prompts in a real terminal (tmux): hidden password and secret input, the init confirmation,
// the 3-attempt password loop, confirm before remove, and Ctrl-C → 130 with the vault and the
// terminal left as they were (docs/testplan.md J.70, B.13–15).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { otpHome, runOtpAsync, totp, writeVault, type OtpHome } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux, sttyFlag, type TmuxSession } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";
import { totpStep } from "./reference-totp.js";

const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/** A password no screen would show by chance. */
const PASSWORD = "Quokka-Zebra-4711";

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const mode = (path: string) => statSync(path).mode & 0o777;

/** A temp HOME whose vault (password PASSWORD) holds `github` and `gitlab`. */
async function homeWithVault(): Promise<OtpHome> {
  const h = await otpHome();
  await writeVault(
    h.vault,
    [totp("github", SEED, { issuer: "GitHub" }), totp("gitlab", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", { issuer: "GitLab" })],
    PASSWORD,
  );
  return h;
}

/** Entry names in the vault, read by a separate otp process. */
async function names(h: OtpHome, password = PASSWORD): Promise<string[]> {
  const r = await runOtpAsync(["list", "--json"], h.env({ OTP_PASSWORD: password }));
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { name: string }[]).map((e) => e.name);
}

/**
 * Asserts that `typed` was never shown: not on the screen nor in its scrollback, and not in
 * any byte the pane printed (a prompt that showed it and then redrew would pass the first
 * check only). `settled` is text printed after the input was submitted, so the log is complete.
 */
async function expectNeverShown(t: TmuxSession, typed: string, settled: RegExp): Promise<void> {
  await t.waitFor(settled);
  const log = await t.waitForOutput(settled);
  const screen = await t.screen();
  expect(screen).not.toContain(typed);
  expect(screen).not.toMatch(/\*{2,}/);
  expect(log).not.toContain(typed);
  expect(log).not.toMatch(/\*{2,}/);
}

/** The terminal is as otp found it: same `stty -a`, echo and line editing on. */
function expectTerminalRestored(t: TmuxSession): void {
  const { before, after } = t.stty();
  expect(after).toContain("rows 30");
  expect(sttyFlag(after, "echo")).toBe(true);
  expect(sttyFlag(after, "icanon")).toBe(true);
  expect(sttyFlag(after, "isig")).toBe(true);
  expect(after).toBe(before);
}

describe.skipIf(!needTool("tmux"))("prompts on a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  describe("otp init", () => {
    it("asks for the password twice, shows none of it, and creates a 0600 vault that opens with it", async () => {
      using h = await otpHome();
      const t = await startTmux({ home: h.home, args: ["init"] });
      await t.waitFor(/New vault password:/);
      await t.type(PASSWORD);
      await t.sendKeys("Enter");
      await expectNeverShown(t, PASSWORD, /Repeat the password:/);
      await t.type(PASSWORD);
      await t.sendKeys("Enter");
      expect(await t.exitCode()).toBe(0);
      await expectNeverShown(t, PASSWORD, /created /);
      expect(existsSync(h.vault)).toBe(true);
      expect(mode(h.vault)).toBe(0o600);
      expect(mode(dirname(h.vault))).toBe(0o700);
      expect(await names(h)).toEqual([]);
    });

    it("a mismatched repeat exits 2 and creates no vault", async () => {
      using h = await otpHome();
      const t = await startTmux({ home: h.home, args: ["init"] });
      await t.waitFor(/New vault password:/);
      await t.type(PASSWORD);
      await t.sendKeys("Enter");
      await t.waitFor(/Repeat the password:/);
      await t.type(PASSWORD + "x");
      await t.sendKeys("Enter");
      expect(await t.exitCode()).toBe(2);
      expect(await t.screen()).toMatch(/otp: error: .*didn't match/);
      expect(existsSync(h.vault)).toBe(false);
      expect(existsSync(dirname(h.vault)) ? readdirSync(dirname(h.vault)) : []).toEqual([]);
    });

    it("an empty password is asked again; three empty ones exit 2 and create no vault", async () => {
      using h = await otpHome();
      const t = await startTmux({ home: h.home, args: ["init"] });
      for (let i = 1; i <= 3; i++) {
        await t.waitFor(new RegExp(`(New vault password:[^]*){${i}}`));
        await t.sendKeys("Enter");
        if (i < 3) await t.waitFor(new RegExp(`(the password can't be empty; type one[^]*){${i}}`));
      }
      expect(await t.exitCode()).toBe(2);
      expect(await t.screen()).toMatch(/otp: error: password can't be empty; no vault was created/);
      expect(existsSync(h.vault)).toBe(false);
    });

    it("Ctrl-C at the password prompt exits 130, creates nothing and restores the terminal", async () => {
      using h = await otpHome();
      const t = await startTmux({ home: h.home, args: ["init"] });
      await t.waitFor(/New vault password:/);
      await t.type("Quokka");
      await t.sendKeys("C-c");
      expect(await t.exitCode()).toBe(130);
      expect(await t.screen()).toMatch(/otp: interrupted/);
      expect(existsSync(h.vault)).toBe(false);
      expectTerminalRestored(t);
    });
  });

  describe("the vault password prompt (no OTP_PASSWORD)", () => {
    it("hides what is typed, says wrong password and asks again, then prints the code", async () => {
      using h = await homeWithVault();
      const wrong = "Wombat-Wrong-0815";
      const from = Date.now();
      const t = await startTmux({ home: h.home, args: ["code", "github"] });
      await t.waitFor(/Vault password:/);
      await t.type(wrong);
      await t.sendKeys("Enter");
      await expectNeverShown(t, wrong, /wrong password, try again[\s\S]*Vault password:/);
      await t.type(PASSWORD);
      await t.sendKeys("Enter");
      expect(await t.exitCode()).toBe(0);
      const screen = await t.screen();
      const [, a, b] = screen.match(/^(\d{3}) (\d{3}) .*\d+s left$/m) ?? [];
      expect(a, screen).toBeDefined();
      expect(totpStep(SEED, a! + b!, from, Date.now())).toBeDefined();
      await expectNeverShown(t, PASSWORD, /s left/);
    });

    it("three wrong passwords exit 4 with the vault unchanged, no lock left and nothing on stdout", async () => {
      using h = await homeWithVault();
      const before = sha256(h.vault);
      const out = join(h.home, "stdout.txt");
      const t = await startTmux({ home: h.home, shell: `otp remove github --yes > '${out}'` });
      for (let i = 1; i <= 3; i++) {
        // the i-th prompt: after i - 1 "try again" lines
        await t.waitFor(i === 1 ? /Vault password:/ : new RegExp(`(try again[\\s\\S]*){${i - 1}}Vault password:`));
        await t.type(`wrong-${i}`);
        await t.sendKeys("Enter");
      }
      expect(await t.exitCode()).toBe(4);
      const screen = await t.screen();
      expect(screen.match(/try again/g)).toHaveLength(2);
      expect(screen).toMatch(/otp: error: .*wrong password/);
      expect(sha256(h.vault)).toBe(before);
      expect(readdirSync(dirname(h.vault)).sort()).toEqual(["vault.otp"]);
      expect(readFileSync(out, "utf8")).toBe("");
    });

    it("asks on the terminal when standard output is a file, which gets the bare code", async () => {
      using h = await homeWithVault();
      const out = join(h.home, "code.txt");
      const from = Date.now();
      const t = await startTmux({ home: h.home, shell: `otp code github > '${out}'` });
      await t.waitFor(/Vault password:/);
      await t.type(PASSWORD);
      await t.sendKeys("Enter");
      expect(await t.exitCode()).toBe(0);
      const text = readFileSync(out, "utf8");
      expect(text).toMatch(/^\d{6}\n$/);
      expect(totpStep(SEED, text.trim(), from, Date.now())).toBeDefined();
      const screen = await t.screen();
      expect(screen).not.toContain(text.trim());
      expect(screen).not.toMatch(/s left/);
    });

    it("Ctrl-C at the password prompt exits 130, leaves the vault byte-for-byte and restores the terminal", async () => {
      using h = await homeWithVault();
      const before = sha256(h.vault);
      const t = await startTmux({ home: h.home, args: ["remove", "github", "--yes"] });
      await t.waitFor(/Vault password:/);
      await t.type(PASSWORD.slice(0, 6));
      await t.sendKeys("C-c");
      expect(await t.exitCode()).toBe(130);
      expect(await t.screen()).toMatch(/otp: interrupted/);
      expect(sha256(h.vault)).toBe(before);
      expect(readdirSync(dirname(h.vault)).sort()).toEqual(["vault.otp"]);
      expectTerminalRestored(t);
      expect(await names(h)).toEqual(["github", "gitlab"]);
    });

    it("a password typed in NFD opens a vault made with its NFC form", async () => {
      using h = await otpHome();
      const nfc = "pässwörd-Tür".normalize("NFC");
      await writeVault(h.vault, [totp("github", SEED)], nfc);
      const t = await startTmux({ home: h.home, args: ["code", "github"], env: { LANG: "C.UTF-8" } });
      await t.waitFor(/Vault password:/);
      await t.type(nfc.normalize("NFD"));
      await t.sendKeys("Enter");
      const screen = await t.waitFor(/s left|try again/);
      expect(screen).not.toMatch(/wrong password/);
      expect(screen).toMatch(/^\d{3} \d{3} .*s left$/m);
      expect(await t.exitCode()).toBe(0);
    });

    // Hidden means hidden: @inquirer/password reveals the input on Ctrl-T unless
    // toggleMask is false (see the report: src/io/prompts.ts).
    it("Ctrl-T does not reveal the typed password", async () => {
      using h = await homeWithVault();
      const t = await startTmux({ home: h.home, args: ["code", "github"] });
      await t.waitFor(/Vault password:/);
      await t.type(PASSWORD);
      await t.sendKeys("C-t");
      await t.sendKeys("Enter");
      expect(await t.exitCode()).toBe(0);
      await expectNeverShown(t, PASSWORD, /s left/);
    });
  });

  describe("otp add with no source", () => {
    it("asks for the secret hidden, then issuer and account, adds the entry and shows NAME: CODE", async () => {
      using h = await otpHome([]);
      const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
      const from = Date.now();
      const t = await startTmux({ home: h.home, args: ["add"], env: { OTP_PASSWORD: "test" } });
      await t.waitFor(/Secret or otpauth:\/\/ URI \(hidden\):/);
      await t.type(secret);
      await t.sendKeys("Enter");
      await t.waitFor(/Issuer \(e\.g\. GitHub\):/);
      await t.type("ExampleCorp");
      // what is typed at an ordinary prompt does show: the hidden checks can see typing
      await t.waitFor(/Issuer \(e\.g\. GitHub\): ExampleCorp/);
      await t.sendKeys("Enter");
      await t.waitFor(/Account \(e\.g\. you@example\.com\):/);
      await t.type("me@example.com");
      await t.sendKeys("Enter");
      expect(await t.exitCode()).toBe(0);
      const screen = await t.screen();
      const [, a, b] = screen.match(/^ExampleCorp: (\d{3}) (\d{3}) .*\d+s left$/m) ?? [];
      expect(a, screen).toBeDefined();
      expect(totpStep(secret, a! + b!, from, Date.now())).toBeDefined();
      await expectNeverShown(t, secret, /s left/);
      expect(await t.waitForOutput(/s left/)).not.toContain(secret.slice(0, 8));
      const r = await runOtpAsync(["list", "--json"], h.env());
      expect(JSON.parse(r.stdout)).toMatchObject([{ name: "ExampleCorp", issuer: "ExampleCorp", account: "me@example.com" }]);
    });
  });

  describe("otp remove asks first", () => {
    it("answering n keeps the entry (nothing removed)", async () => {
      using h = await homeWithVault();
      const before = sha256(h.vault);
      const t = await startTmux({ home: h.home, args: ["remove", "github"], env: { OTP_PASSWORD: PASSWORD } });
      await t.waitFor(/Remove github \(GitHub, github@example\.com\)\?[\s\S]*\(y\/N\)/);
      await t.type("n");
      await t.sendKeys("Enter");
      expect(await t.exitCode()).toBe(0);
      expect(await t.screen()).toMatch(/otp: nothing removed/);
      expect(sha256(h.vault)).toBe(before);
      expect(await names(h)).toEqual(["github", "gitlab"]);
    });

    it("answering y removes it", async () => {
      using h = await homeWithVault();
      const t = await startTmux({ home: h.home, args: ["remove", "github"], env: { OTP_PASSWORD: PASSWORD } });
      await t.waitFor(/Remove github [\s\S]*\(y\/N\)/);
      await t.type("y");
      await t.sendKeys("Enter");
      expect(await t.exitCode()).toBe(0);
      expect(await t.screen()).toMatch(/otp: removed github/);
      expect(await names(h)).toEqual(["gitlab"]);
    });

    it("Ctrl-C at the question exits 130 with the vault unchanged and the terminal restored", async () => {
      using h = await homeWithVault();
      const before = sha256(h.vault);
      const t = await startTmux({ home: h.home, args: ["remove", "github"], env: { OTP_PASSWORD: PASSWORD } });
      await t.waitFor(/Remove github [\s\S]*\(y\/N\)/);
      await t.sendKeys("C-c");
      expect(await t.exitCode()).toBe(130);
      expect(sha256(h.vault)).toBe(before);
      expect(readdirSync(dirname(h.vault)).sort()).toEqual(["vault.otp"]);
      expectTerminalRestored(t);
    });
  });
});
