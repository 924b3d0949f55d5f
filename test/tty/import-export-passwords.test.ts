// Passwords of other apps' files on a real terminal (tmux): an encrypted import asks with a
// hidden prompt and again after a wrong one; an encrypted Aegis export asks twice and refuses
// two different answers; neither shows what is typed.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { otpHome, runOtpAsync, totp, writeVault } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const AEGIS = join(__dirname, "../fixtures/import/aegis-vault/aegis_encrypted.json");

describe.skipIf(!needTool("tmux"))("import and export passwords on a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it("an encrypted Aegis import: a wrong password is asked again, the right one imports", async () => {
    await using h = await otpHome();
    await writeVault(h.vault, [totp("held", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")]);
    const t = await startTmux({ home: h.home, args: ["import", AEGIS], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/Password of .*aegis_encrypted\.json \(Aegis\):/);
    await t.type("Wrong-Guess-1");
    await t.sendKeys("Enter");
    await t.waitFor(/wrong password, try again/);
    await t.type("test");
    await t.sendKeys("Enter");
    await t.waitFor(/added 7, skipped 0/);
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).not.toContain("Wrong-Guess-1");
  });

  it("an encrypted Aegis export asks twice; two different answers write nothing (exit 2); the same twice writes a file otp reads back", async () => {
    await using h = await otpHome();
    await writeVault(h.vault, [totp("gh", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")]);
    const out = join(h.home, "aegis.json");
    const bad = await startTmux({ home: h.home, args: ["export", "--format", "aegis", "--output", out], env: { OTP_PASSWORD: "test" } });
    await bad.waitFor(/Password for the Aegis export:/);
    await bad.type("Export-Pw-77");
    await bad.sendKeys("Enter");
    await bad.waitFor(/Repeat the password:/);
    await bad.type("Export-Pw-78");
    await bad.sendKeys("Enter");
    await bad.waitFor(/differ; nothing written/);
    expect(await bad.exitCode()).toBe(2);

    const t = await startTmux({ home: h.home, args: ["export", "--format", "aegis", "--output", out], env: { OTP_PASSWORD: "test" } });
    await t.waitFor(/Password for the Aegis export:/);
    await t.type("Export-Pw-77");
    await t.sendKeys("Enter");
    await t.waitFor(/Repeat the password:/);
    await t.type("Export-Pw-77");
    await t.sendKeys("Enter");
    await t.waitFor(/wrote 1 entry/);
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).not.toContain("Export-Pw-77");
    await using fresh = await otpHome([]);
    const pw = join(h.home, "pw");
    (await import("node:fs")).writeFileSync(pw, "Export-Pw-77\n");
    const r = await runOtpAsync(["import", "--import-password-file", pw, out], fresh.env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/added 1/);
  });
});
