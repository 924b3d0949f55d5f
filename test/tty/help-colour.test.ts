// Help in colour on a terminal, and never with NO_COLOR or --no-color (docs/cli-contract.md "Output").
import { afterEach, describe, expect, it } from "vitest";
import { otpHome } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

describe.skipIf(!needTool("tmux"))("help colour (tmux)", () => {
  afterEach(killTmuxSessions);

  it("is bold and coloured on a terminal", async () => {
    using h = await otpHome();
    const t = await startTmux({ home: h.home, args: ["code", "--help"], noColor: false });
    expect(await t.exitCode()).toBe(0);
    const log = await t.waitForOutput(/\[exit 0\]/);
    expect(log).toContain("\x1b[1mUsage:\x1b[22m");
    expect(log).toContain("\x1b[1mExamples:\x1b[22m");
    expect(log).toMatch(/\x1b\[33m-c, --copy\x1b\[39m/);
  });

  for (const how of ["NO_COLOR=1", "--no-color"])
    it(`has no colour with ${how}`, async () => {
      using h = await otpHome();
      const t = await startTmux({
        home: h.home,
        args: how === "--no-color" ? ["--no-color", "code", "--help"] : ["code", "--help"],
        noColor: how !== "--no-color",
      });
      expect(await t.exitCode()).toBe(0);
      const log = await t.waitForOutput(/\[exit 0\]/);
      expect(log).toContain("Examples:");
      expect(log).not.toMatch(/\x1b\[[0-9;]*m/);
    });
});
