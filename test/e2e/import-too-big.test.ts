// An import that would take the vault past its 16 MiB is refused before anything is written
// (exit 2, naming how many entries fit), and exactly that many do fit; the vault is unchanged
// after the failure. otp runs in-process (test/helpers/cli-run.ts); here, not in test/cli,
// because it writes and reads a 16 MiB vault several times (the other caps: test/cli/import-caps).
import { randomBytes } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { b32encode, expectFailure, expectOk, names, sha256 } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const home = () => otpHome([totp("github", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]);

describe("an import the vault cannot hold", () => {
  it("is refused before writing, naming how many fit; that many then import and the vault opens", async () => {
    await using h = await home();
    const before = sha256(h.vault);
    const lines = Array.from(
      { length: 40_000 },
      (_, i) => `otpauth://totp/Issuer${i}:user${i}%40example.com?secret=${b32encode(randomBytes(20))}&issuer=Issuer${i}`,
    );
    const file = join(h.home, "all.txt");
    writeFileSync(file, lines.join("\n") + "\n");
    let fit = 0;
    for (const args of [
      ["import", file],
      ["import", "--dry-run", file],
    ]) {
      const r = await otp(h, args);
      expectFailure(
        r,
        2,
        /^otp: error: 40000 new entries would make the vault file [\d.]+ MiB, over its limit of 16 MiB: only \d+ of them fit$/m,
      );
      expect(r.stderr).toMatch(/nothing was written/);
      expect(sha256(h.vault)).toBe(before);
      fit = Number(/only (\d+) of them fit/.exec(r.stderr)![1]);
    }
    const part = join(h.home, "part.txt");
    writeFileSync(part, lines.slice(0, fit).join("\n") + "\n");
    expect((await otp(h, ["import", part])).stderr).toContain(`added ${fit}, skipped 0`);
    expect(statSync(h.vault).size).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(names(expectOk(await otp(h, ["list"])))).toHaveLength(fit + 1);
    // The next hundred: the vault is as full as it can be.
    const more = join(h.home, "more.txt");
    writeFileSync(more, lines.slice(fit, fit + 100).join("\n") + "\n");
    expectFailure(await otp(h, ["import", more]), 2, /^otp: error: 100 new entries would make .*: none of them fit$/m);
  }, 120_000);
});
