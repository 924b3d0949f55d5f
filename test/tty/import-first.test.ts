// Issue 11 item 5 on a real terminal (tmux): `otp import x.2fas export.png totp_authenticator.bin`
// refuses the third file before it asks for the 2FAS password; with good files it asks once
// every file was read, then imports them all.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const FIX = join(import.meta.dirname, "../fixtures");
const APPS = join(FIX, "import/aegis-importers");
const TWOFAS = join(APPS, "2fas_authenticator_encrypted.2fas");
const PNG = join(FIX, "ga-migration/example_export.png");

describe.skipIf(!needTool("tmux"))("a multi-file import on a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it("a file otp cannot recognise is refused before the 2FAS password is asked", async () => {
    using h = await otpHome([totp("held", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]);
    const t = await startTmux({
      home: h.home,
      args: ["import", TWOFAS, PNG, join(APPS, "totp_authenticator.bin")],
      env: { OTP_PASSWORD: "test" },
    });
    expect(await t.exitCode(20_000)).toBe(2);
    const screen = await t.screen();
    expect(screen).toMatch(/otp: error: .*totp_authenticator\.bin: this is bare base64/);
    expect(screen).not.toMatch(/Password of/);
  });

  it("good files: the 2FAS password is asked once, then everything is imported", async () => {
    using h = await otpHome([]);
    // a short path: the prompt names the file on one line
    const x = join(h.home, "x.2fas");
    copyFileSync(TWOFAS, x);
    const t = await startTmux({ home: h.home, args: ["import", x, PNG], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/Password of .*x\.2fas \(2FAS\):/, 20_000);
    await t.type("test");
    await t.sendKeys("Enter");
    await t.waitFor(/otp: added \d+, skipped/, 20_000);
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).toMatch(/added Deno/);
  });
});
