// In-process (test/helpers/cli-run.ts). The site's side of enrolment (the PyOTP/Flask tutorial's flow) through the built CLI:
// `otp new` makes a random 160-bit secret, its URI and QR (a PNG a scanner reads), `--save`
// keeps it; `otp verify` exits 0 for a valid code (within the window) and 1 otherwise; HOTP
// looks ahead and resynchronises, so no code passes twice.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hotp, otpHome, totp } from "../helpers/otp-home.js";
import { b32decode, expectFailure, expectOk, hotpRef, totpRef } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";
import { needTool } from "../helpers/tools.js";

const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const T = 1767268800; // 2026-01-01T12:00:00Z, a step boundary

describe("otp new", () => {
  it("prints a fresh 160-bit secret and its provisioning URI; two runs differ; no vault needed", async () => {
    using h = await otpHome();
    const out = expectOk(await otp(h, ["new", "--issuer", "Example", "--account", "alice@example.com"], { password: false }));
    const [, secret] = out.match(/^secret: ([A-Z2-7]{32})$/m) ?? [];
    expect(secret).toBeDefined();
    expect(b32decode(secret!)).toHaveLength(20);
    expect(out).toContain(
      `uri: otpauth://totp/Example:alice%40example.com?secret=${secret}&issuer=Example&algorithm=SHA1&digits=6&period=30\n`,
    );
    const again = expectOk(await otp(h, ["new", "--issuer", "Example", "--account", "alice@example.com", "--json"], { password: false }));
    expect(JSON.parse(again).secret).not.toBe(secret);
  });

  it("needs --issuer and --account; --name without --save is a usage error", async () => {
    using h = await otpHome();
    expectFailure(await otp(h, ["new", "--issuer", "Example"]), 2, "needs --issuer and --account");
    expectFailure(await otp(h, ["new", "--issuer", "E", "--account", "a", "--name", "x"]), 2, "add --save");
    expectFailure(await otp(h, ["new", "--issuer", "E", "--account", "a", "--digits", "12"]), 2, "digits");
  });

  it.skipIf(!needTool("zbarimg", "zbar-tools"))(
    "--png FILE writes a QR (0600) that a scanner reads as the URI; never over a file without --force",
    async () => {
      using h = await otpHome();
      const png = join(h.home, "enrol.png");
      const r = await otp(h, ["new", "--issuer", "Example", "--account", "bob", "--png", png, "--json"], { password: false });
      const { uri } = JSON.parse(expectOk(r));
      expect(statSync(png).mode & 0o777).toBe(0o600);
      expect(execFileSync("zbarimg", ["-q", "--raw", png], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()).toBe(uri);
      expectFailure(await otp(h, ["new", "--issuer", "Example", "--account", "bob", "--png", png]), 1, "already exists");
      expectOk(await otp(h, ["new", "--issuer", "Example", "--account", "bob", "--png", png, "--force"]));
    },
  );

  it("--save adds it to the vault, and the codes are the secret's", async () => {
    using h = await otpHome([]);
    const r = await otp(h, [
      "new",
      "--issuer",
      "Example",
      "--account",
      "carol",
      "--save",
      "--name",
      "site-carol",
      "--json",
      "--digits",
      "8",
      "--algorithm",
      "sha256",
    ]);
    const { secret, name } = JSON.parse(expectOk(r));
    expect(name).toBe("site-carol");
    expect(expectOk(await otp(h, ["code", "site-carol", "--at", String(T)])).trim()).toBe(
      totpRef(secret, T * 1000, { alg: "sha256", digits: 8 }),
    );
    expectFailure(
      await otp(h, ["new", "--issuer", "Example", "--account", "carol", "--save", "--name", "site-carol"]),
      2,
      "already exists",
    );
  });
});

describe("otp verify", () => {
  it("TOTP: exit 0 now and one step either side by default; 1 further away, or with --window 0 off the step", async () => {
    using h = await otpHome([totp("site", SEED)]);
    const at = (s: number) => ["--at", String(s)];
    const code = totpRef(SEED, T * 1000);
    expectOk(await otp(h, ["verify", "site", code, ...at(T)]));
    expect((await otp(h, ["verify", "site", code, ...at(T + 30)])).stderr).toMatch(/1 step ago/);
    expectOk(await otp(h, ["verify", "site", code, ...at(T - 30)]));
    expectFailure(await otp(h, ["verify", "site", code, ...at(T + 60)]), 1, "code rejected");
    expectFailure(await otp(h, ["verify", "site", code, ...at(T + 30), "--window", "0"]), 1, "code rejected");
    expectOk(await otp(h, ["verify", "site", code, ...at(T + 90), "--window", "3"]));
    expectOk(await otp(h, ["verify", "site", `${code.slice(0, 3)} ${code.slice(3)}`, ...at(T)]));
    expectFailure(await otp(h, ["verify", "site", "12345", ...at(T)]), 1, "code rejected");
    expectFailure(await otp(h, ["verify", "nothing", code]), 3, "no entry");
  });

  it("near 1970 the window skips the steps before 0: --at 1 accepts step 0 and the next step, and rejects a wrong code with 1", async () => {
    using h = await otpHome([totp("t1", SEED)]);
    const next = hotpRef(SEED, 1);
    const r = await otp(h, ["verify", "t1", next, "--at", "1"]);
    expectOk(r);
    expect(r.stderr).toMatch(/1 step ahead/);
    expectOk(await otp(h, ["verify", "t1", hotpRef(SEED, 0), "--at", "1"]));
    // a code of no step near 0 (step 9's: SEED's codes of steps 0 to 5 differ from it)
    expect([0, 1, 2, 3, 4, 5].map((k) => hotpRef(SEED, k))).not.toContain(hotpRef(SEED, 9));
    expectFailure(await otp(h, ["verify", "t1", hotpRef(SEED, 9), "--at", "1"]), 1, "code rejected");
    expectOk(await otp(h, ["verify", "t1", hotpRef(SEED, 3), "--at", "0", "--window", "5"]));
    expectFailure(await otp(h, ["verify", "t1", hotpRef(SEED, 9), "--at", "29", "--window", "5"]), 1, "code rejected");
  });

  it("HOTP: within the look-ahead, the counter moves past the code; the same code then fails", async () => {
    using h = await otpHome([hotp("bank", SEED, 5)]);
    const code = hotpRef(SEED, 8);
    const r = await otp(h, ["verify", "bank", code]);
    expectOk(r);
    expect(r.stderr).toMatch(/counter 8; the counter is now 9/);
    expect(JSON.parse(expectOk(await otp(h, ["list", "--json"])))[0].counter).toBe(9);
    expectFailure(await otp(h, ["verify", "bank", code]), 1, "code rejected");
    expectFailure(await otp(h, ["verify", "bank", hotpRef(SEED, 30), "--window", "5"]), 1, "up to 5 ahead");
    expect(JSON.parse(expectOk(await otp(h, ["list", "--json"])))[0].counter).toBe(9);
    expectOk(await otp(h, ["verify", "bank", hotpRef(SEED, 30), "--window", "30"]));
    expect(JSON.parse(expectOk(await otp(h, ["list", "--json"])))[0].counter).toBe(31);
  });
});
