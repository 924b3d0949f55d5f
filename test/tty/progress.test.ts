// Progress on standard error: the spinner while a slow KDF runs (only past 300 ms, and only on
// a terminal), and the progress bar of an import of many files; both wiped before what follows.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addEntry, emptyData } from "../../src/core/vault/model.js";
import { createVault, newId } from "../../src/core/vault/vault.js";
import { otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectOk, newSecret, otp } from "../helpers/e2e-util.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/** A vault whose Argon2id takes well over 300 ms (6 passes over 256 MiB: ~650 ms native on the bench machine). */
async function slowVault(h: OtpHome): Promise<void> {
  const now = "2026-01-01T00:00:00.000Z";
  const data = addEntry(emptyData(now), totp("github", SEED), newId(), now).data;
  const { bytes } = await createVault("test", data, { ops: 6, mem: 256 * 1024 * 1024 });
  mkdirSync(dirname(h.vault), { recursive: true, mode: 0o700 });
  chmodSync(dirname(h.vault), 0o700);
  writeFileSync(h.vault, bytes, { mode: 0o600 });
}

describe.skipIf(!needTool("tmux"))("progress on a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it("a slow KDF shows a spinner, wiped before the code is printed", async () => {
    using h = await otpHome();
    await slowVault(h);
    const t = await startTmux({ home: h.home, args: ["code", "github"], env: { OTP_PASSWORD: "test" } });
    expect(await t.exitCode(20_000)).toBe(0);
    const log = await t.waitForOutput(/\[exit 0\]/);
    expect(log).toMatch(/\r[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] unlocking the vault…/);
    expect(log).toMatch(/\r\x1b\[K\d{3} \d{3} /); // wiped, then the code on a clean line
    expect(await t.screen()).not.toContain("unlocking");
  });

  it("a fast KDF shows no spinner", async () => {
    using h = await otpHome([totp("github", SEED)]);
    const t = await startTmux({ home: h.home, args: ["code", "github"], env: { OTP_PASSWORD: "test" } });
    expect(await t.exitCode()).toBe(0);
    expect(await t.waitForOutput(/\[exit 0\]/)).not.toContain("unlocking");
  });

  it("an import of many files shows a progress bar, then only the summary", async () => {
    using h = await otpHome([]);
    const files = Array.from({ length: 6 }, (_, i) => {
      const f = join(h.home, `seeds-${i}.txt`);
      writeFileSync(f, `otpauth://totp/Site${i}:me?secret=${newSecret()}&issuer=Site${i}\n`);
      return f;
    });
    const t = await startTmux({ home: h.home, args: ["import", ...files], env: { OTP_PASSWORD: "test" } });
    expect(await t.exitCode()).toBe(0);
    const log = await t.waitForOutput(/\[exit 0\]/);
    expect(log).toMatch(/\rimporting [█░]{20} 5\/6 files  .*seeds-5\.txt/);
    const screen = await t.screen();
    expect(screen).toMatch(/^otp: added 6, skipped 0/m);
    expect(screen).not.toContain("importing");
  });
});

describe("progress off a terminal", () => {
  it("the spinner does not reach a pipe", async () => {
    await using h = await otpHome();
    await slowVault(h);
    const r = otp(h, ["code", "github"]);
    expect(expectOk(r)).toMatch(/^\d{6}\n$/);
    expect(r.stderr).toBe("");
  });

  it("nor the import bar", async () => {
    await using h = await otpHome([]);
    const files = Array.from({ length: 6 }, (_, i) => {
      const f = join(h.home, `s${i}.txt`);
      writeFileSync(f, `otpauth://totp/S${i}:me?secret=${newSecret()}&issuer=S${i}\n`);
      return f;
    });
    const imp = otp(h, ["import", ...files]);
    expectOk(imp);
    expect(imp.stderr).not.toMatch(/importing|\r/);
  });
});
