// `otp code` in a real terminal (tmux): grouped code and seconds left on a terminal, the bare
// code when piped (docs/testplan.md J.71). The digits are checked against an independent TOTP.
import { afterEach, describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";
import { hotp, totpStep } from "./reference-totp.js";

const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

it("the reference TOTP gives the RFC 4226 appendix D codes", () => {
  const rfc = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
  expect([0, 1, 2, 9].map((c) => hotp(rfc, c))).toEqual(["755224", "287082", "359152", "520489"]);
});

describe.skipIf(!needTool("tmux"))("otp code on a terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it("shows the code grouped as 123 456 and the seconds left of its own step", async () => {
    using h = await otpHome([totp("github", SEED)]);
    const from = Date.now();
    // colour on (no NO_COLOR): capture-pane drops the attributes, the text must read the same
    const t = await startTmux({ home: h.home, args: ["code", "github"], env: { OTP_PASSWORD: "test" }, noColor: false });
    expect(await t.exitCode()).toBe(0);
    const to = Date.now();
    const screen = await t.screen();
    const [, a, b, n] = screen.match(/^(\d{3}) (\d{3})  [█░]{10} (\d+)s left$/m) ?? [];
    expect(a, screen).toBeDefined();
    const left = Number(n);
    expect(left).toBeGreaterThanOrEqual(1);
    expect(left).toBeLessThanOrEqual(30);
    const step = totpStep(SEED, a! + b!, from, to);
    expect(step, `${a} ${b} is not the TOTP of now or a neighbouring step`).toBeDefined();
    // the countdown belongs to that step: it was computed between `from` and `to`
    const computedAt = ((step! + 1) * 30 - left) * 1000;
    expect(computedAt).toBeLessThanOrEqual(to + 500);
    expect(computedAt + 1000).toBeGreaterThanOrEqual(from - 500);
  });

  it("piped (otp code x | cat) prints the bare six digits only", async () => {
    using h = await otpHome([totp("github", SEED)]);
    const from = Date.now();
    const t = await startTmux({ home: h.home, shell: "otp code github | cat", env: { OTP_PASSWORD: "test" } });
    expect(await t.exitCode()).toBe(0);
    const screen = await t.screen();
    const printed = screen.slice(0, screen.indexOf("[exit 0]")).trimEnd();
    expect(printed).toMatch(/^\d{6}$/);
    expect(totpStep(SEED, printed, from, Date.now())).toBeDefined();
  });
});
