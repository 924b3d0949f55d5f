// QR codes drawn in a real terminal (tmux): `otp show --qr` and `otp export --format ga`. The
// bytes the pane printed are turned back into the picture a dark and a light theme show, and
// Debian's zbarimg must read both; then the migration codes are imported into a fresh vault.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { expectOk, otp } from "../helpers/e2e-util.js";
import { DARK, LIGHT, parseCells, qrBlock, renderTerminal, type Theme } from "../helpers/terminal-image.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const tools = needTool("tmux") && needTool("zbarimg", "zbar-tools");

async function scan(text: string, theme: Theme): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), "otp-qrtty-"));
  try {
    const file = join(dir, "screen.png");
    writeFileSync(file, await renderTerminal(parseCells(qrBlock(text), theme), theme));
    return execFileSync("zbarimg", ["-q", "--raw", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

describe.skipIf(!tools)("QR codes on a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it("`otp show --qr` scans on a dark and on a light theme", async () => {
    using h = await otpHome([totp("github", SEED, { issuer: "GitHub", account: "alice@example.com" })]);
    const t = await startTmux({ home: h.home, args: ["show", "github", "--qr"], env: { OTP_PASSWORD: "test" }, noColor: false });
    expect(await t.exitCode()).toBe(0);
    const log = readFileSync(join(t.dir, "output.log"), "utf8");
    const want = `otpauth://totp/GitHub:alice%40example.com?secret=${SEED}&issuer=GitHub&algorithm=SHA1&digits=6&period=30`;
    expect(await scan(log, DARK)).toBe(want);
    expect(await scan(log, LIGHT)).toBe(want);
    expect(await t.screen()).toMatch(/clear the screen afterwards/);
  });

  it(
    "`otp export --format ga` shows one code at a time, clears the screen, and the codes import elsewhere",
    { timeout: 90_000 },
    async () => {
      // 12 accounts: more than one code however big the window.
      const entries = Array.from({ length: 12 }, (_, i) =>
        totp(`site${i}`, SEED.slice(0, 26) + String.fromCharCode(65 + i) + "AAAAA", { account: `user${i}@example.com` }),
      );
      using h = await otpHome(entries);
      const t = await startTmux({ home: h.home, args: ["export", "--format", "ga"], env: { OTP_PASSWORD: "test" }, noColor: false });
      const uris: string[] = [];
      for (let i = 1; ; i++) {
        // This page's prompt names it.
        await t.waitForOutput(new RegExp(`Scanned QR code ${i} of \\d+\\? Press Enter`), 10_000);
        const screen = await t.waitFor(new RegExp(`Scanned QR code ${i} of \\d+\\? Press Enter (for the next one|to clear)`), 10_000);
        const log = readFileSync(join(t.dir, "output.log"), "utf8");
        // This page's drawing: after the last clear-screen.
        const page = log.slice(log.lastIndexOf("\x1b[2J") + 1);
        const dark = await scan(page, DARK);
        expect(dark).toMatch(/^otpauth-migration:\/\/offline\?data=/);
        expect(await scan(page, LIGHT)).toBe(dark);
        uris.push(dark!);
        const last = /to clear/.test(screen);
        await t.sendKeys("Enter");
        if (last) break;
      }
      expect(await t.exitCode()).toBe(0);
      expect(uris.length).toBeGreaterThan(1);
      // The screen is cleared at the end: no code left on it.
      expect(await t.screen()).not.toMatch(/[█▀▄]/);

      using fresh = await otpHome([]);
      const r = otp(fresh, ["import", "-"], { input: uris.join("\n") + "\n" });
      expect(expectOk(r).trim().split("\n")).toHaveLength(12);
      expect(r.stderr).not.toMatch(/missing/);
    },
  );

  it("Ctrl-C at the prompt: exit 130 and the code is cleared from the screen", async () => {
    using h = await otpHome(Array.from({ length: 3 }, (_, i) => totp(`s${i}`, SEED.slice(0, 26) + "ABC"[i] + "AAAAA")));
    const t = await startTmux({ home: h.home, args: ["export", "--format", "ga"], env: { OTP_PASSWORD: "test" }, noColor: false });
    await t.waitFor(/Press Enter/, 10_000);
    await t.sendKeys("C-c");
    expect(await t.exitCode()).toBe(130);
    expect(await t.screen()).not.toMatch(/[█▀▄]/);
  });
});
