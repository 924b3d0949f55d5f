import { afterEach, expect, test } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
afterEach(killTmuxSessions);
test("smoke", async () => {
  using h = await otpHome([totp("github", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]);
  const t = await startTmux({ home: h.home, args: ["code", "github"] });
  await t.waitFor(/Vault password:/);
  await t.type("wrong"); await t.sendKeys("Enter");
  await t.waitFor(/try again/);
  await t.type("test"); await t.sendKeys("Enter");
  const code = await t.exitCode();
  console.log(code, await t.screen());
  console.log(JSON.stringify(await t.waitForOutput(/exit/)));
  console.log(t.stty());
  console.log(require("fs").readFileSync(t.dir + "/run.sh", "utf8"));
});
