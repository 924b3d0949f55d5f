// In-process (test/helpers/cli-run.ts). URIs written by pass-otp: labels percent-encoded in Latin-1 are imported, not
// refused, with a warning naming the entry; `--format pass-otp` imports each HOTP counter plus
// one (pass-otp stores the counter of the code it last showed), so no used code is shown again.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { otpHome } from "../helpers/otp-home.js";
import { expectOk, hotpRef } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const OTHER = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

describe("pass-otp's URIs", () => {
  it("a Latin-1 label is imported (its secret kept), with a warning naming the entry", async () => {
    using h = await otpHome([]);
    const file = join(h.home, "pass.txt");
    writeFileSync(file, `otpauth://totp/Z%FCrich:j%F6rg+m%FCller?secret=${OTHER}&issuer=Z%FCrich\n`);
    const r = await otp(h, ["import", file]);
    expect(expectOk(r)).toBe("added Zürich\n");
    expect(r.stderr).toMatch(/^otp: warning: .*line 1: "Zürich:jörg\+müller": .*not UTF-8.*Latin-1/m);
    const [e] = JSON.parse(expectOk(await otp(h, ["list", "--json"])));
    expect(e).toMatchObject({ name: "Zürich", issuer: "Zürich", account: "jörg+müller" });
    expect(expectOk(await otp(h, ["show", "Zürich", "--reveal"]))).toContain(OTHER);
  });

  it("--format pass-otp: the next HOTP code is the one pass-otp would show next, never the one it showed", async () => {
    using h = await otpHome([]);
    const file = join(h.home, "pass.txt");
    // pass-otp showed the code of counter 5 last (and stored counter=5)
    writeFileSync(file, `otpauth://hotp/bank:me?secret=${SEED}&digits=6&counter=5&issuer=bank\n`);
    const r = await otp(h, ["import", "--format", "pass-otp", file]);
    expectOk(r);
    expect(r.stderr).toMatch(/pass-otp stores the counter of the HOTP code it last showed: the counter is imported plus one/);
    const code = expectOk(await otp(h, ["code", "bank"])).trim();
    expect(code).toBe(hotpRef(SEED, 6));
    expect(code).not.toBe(hotpRef(SEED, 5));
  });
});
