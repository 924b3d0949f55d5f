// Issue 11 item 3: prompts that check what is typed, in a real terminal (tmux). `otp add`'s
// hidden secret is judged when it is given (not base32, a URI's numbers out of range) and asked
// again with the reason, before Issuer and Account; bad flags are refused before any prompt; a
// wrong password is marked ✘, never with the ✔ of an accepted answer; and `otp add --qr` asks
// for the password before the slow decode, so a password typed ahead is never echoed.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import QRCode from "qrcode";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { otpHome, runOtpAsync, totp, writeVault, type OtpHome } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux, type TmuxSession } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const NEW_SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const PASSWORD = "Quokka-Zebra-4711";

async function homeWithVault(): Promise<OtpHome> {
  const h = await otpHome();
  await writeVault(h.vault, [totp("github", SEED, { issuer: "GitHub" })], PASSWORD);
  return h;
}

async function listed(h: OtpHome): Promise<{ name: string; issuer: string; account: string; digits: number }[]> {
  const r = await runOtpAsync(["list", "--json"], h.env({ OTP_PASSWORD: PASSWORD }));
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** The lines of the screen that hold `what`. */
const linesWith = (screen: string, what: string) => screen.split("\n").filter((l) => l.includes(what));

describe.skipIf(!needTool("tmux"))("prompts that check what is typed (tmux)", () => {
  afterEach(killTmuxSessions);

  it("a secret that is not base32 is refused at once with the reason and asked again, before Issuer and Account", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, args: ["add"], env: { OTP_PASSWORD: PASSWORD } });
    await t.waitFor(/Secret or otpauth:\/\/ URI \(hidden\):/);
    await t.type("ABCD EFGH 1234 !!");
    await t.sendKeys("Enter");
    const screen = await t.waitFor(/secret is not base32: character \d+ is not one of A–Z, 2–7; try again[\s\S]*Secret or otpauth/);
    expect(screen).not.toMatch(/Issuer/);
    expect(linesWith(screen, "Secret or otpauth")[0]).toMatch(/^✘ /);
    await t.type(NEW_SEED);
    await t.sendKeys("Enter");
    await t.waitFor(/Issuer \(e\.g\. GitHub\):/);
    await t.type("Acme");
    await t.sendKeys("Enter");
    await t.waitFor(/Account \(e\.g\. you@example\.com\):/);
    await t.type("me@example.com");
    await t.sendKeys("Enter");
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).not.toContain(NEW_SEED);
    expect((await listed(h)).find((e) => e.name === "Acme")).toMatchObject({ issuer: "Acme", account: "me@example.com" });
  });

  it("a pasted URI whose digits are out of range is refused with the reason and asked again", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, args: ["add"], env: { OTP_PASSWORD: PASSWORD } });
    await t.waitFor(/Secret or otpauth:\/\/ URI \(hidden\):/);
    await t.type(`otpauth://totp/Acme:me?secret=${NEW_SEED}&issuer=Acme&digits=12`);
    await t.sendKeys("Enter");
    await t.waitFor(/digits must be a whole number from 6 to 10, not "12"; try again[\s\S]*Secret or otpauth/);
    await t.type(`otpauth://totp/Acme:me?secret=${NEW_SEED}&issuer=Acme&digits=8`);
    await t.sendKeys("Enter");
    expect(await t.exitCode()).toBe(0);
    expect((await listed(h)).find((e) => e.name === "Acme")).toMatchObject({ account: "me", digits: 8 });
  });

  it("the secret pasted again at Issuer is refused there, and the issuer asked again", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, args: ["add"], env: { OTP_PASSWORD: PASSWORD } });
    await t.waitFor(/Secret or otpauth:\/\/ URI \(hidden\):/);
    await t.type(NEW_SEED);
    await t.sendKeys("Enter");
    await t.waitFor(/Issuer \(e\.g\. GitHub\):/);
    await t.type(NEW_SEED);
    await t.sendKeys("Enter");
    await t.waitFor(/that looks like a secret; the issuer is a name/);
    await t.sendKeys("C-u");
    await t.type("Acme");
    await t.sendKeys("Enter");
    await t.waitFor(/Account \(e\.g\. you@example\.com\):/);
    await t.sendKeys("Enter");
    expect(await t.exitCode()).toBe(0);
    expect((await listed(h)).map((e) => e.name)).toEqual(["github", "Acme"]);
  });

  it("`otp add foo --digits 12` is refused before any prompt", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, args: ["add", "foo", "--digits", "12"] });
    expect(await t.exitCode()).toBe(2);
    const screen = await t.screen();
    expect(screen).toMatch(/otp: error: digits must be a whole number from 6 to 10, not 12/);
    expect(screen).not.toMatch(/Secret|password/);
  });

  it("a wrong password is marked ✘ and never ✔; the right one is marked ✔", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, args: ["code", "github"] });
    await t.waitFor(/Vault password:/);
    await t.type("Wombat-Wrong-0815");
    await t.sendKeys("Enter");
    const wrong = await t.waitFor(/wrong password, try again[\s\S]*Vault password:/);
    expect(linesWith(wrong, "Vault password:")[0]).toMatch(/^✘ Vault password:$/);
    expect(wrong).not.toContain("✔");
    await t.type(PASSWORD);
    await t.sendKeys("Enter");
    expect(await t.exitCode()).toBe(0);
    const lines = linesWith(await t.screen(), "Vault password:");
    expect(lines).toEqual(["✘ Vault password:", "✔ Vault password:"]);
  });

  it("three wrong passwords: three ✘, no ✔, exit 4", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, args: ["list"] });
    for (let i = 1; i <= 3; i++) {
      await t.waitFor(i === 1 ? /Vault password:/ : new RegExp(`(try again[\\s\\S]*){${i - 1}}Vault password:`));
      await t.type(`wrong-${i}`);
      await t.sendKeys("Enter");
    }
    expect(await t.exitCode()).toBe(4);
    const screen = await t.screen();
    expect(linesWith(screen, "Vault password:")).toEqual(["✘ Vault password:", "✘ Vault password:", "✘ Vault password:"]);
    expect(screen).not.toContain("✔");
  });

  it("`otp add --qr` asks for the password before decoding: a password typed ahead is never echoed", async () => {
    using h = await homeWithVault();
    const image = join(h.home, "slow.png");
    writeFileSync(image, await slowQrImage(`otpauth://totp/Slow:me?secret=${NEW_SEED}&issuer=Slow`));
    const t = await startTmux({ home: h.home, args: ["add", "--qr", image] });
    // Type as soon as otp either asks or has started decoding (sharp is loaded): before the fix
    // the decode came first, with the terminal still echoing.
    await waitForPromptOrDecode(t);
    await t.type(PASSWORD);
    await t.sendKeys("Enter");
    await t.waitFor(/added "Slow"|Vault password:/, 30_000);
    expect(await t.screen()).not.toContain(PASSWORD);
    expect(readFileSync(join(t.dir, "output.log"), "utf8")).not.toContain(PASSWORD);
    expect(await t.exitCode(30_000)).toBe(0);
    expect((await listed(h)).map((e) => e.name)).toEqual(["github", "Slow"]);
  }, 60_000);
});

/** A large white image with a small QR in a corner: only the full-size view reads it, after a second or more. */
async function slowQrImage(uri: string): Promise<Buffer> {
  const qr = await QRCode.toBuffer(uri, { scale: 2, margin: 4 });
  return sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#ffffff" } })
    .composite([{ input: qr, left: 3700, top: 2700 }])
    .png()
    .toBuffer();
}

/** Polls until the pane shows the password prompt, or the otp process under it has mapped sharp (the decode began). */
async function waitForPromptOrDecode(t: TmuxSession, timeoutMs = 15_000): Promise<void> {
  const pane = Number((await t.tmux("display-message", "-p", "-t", "t", "#{pane_pid}")).trim());
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (/Vault password:/.test(await t.screen())) return;
    if (descendants(pane).some((pid) => mapsSharp(pid))) return;
    if (Date.now() > end) throw new Error(`neither a prompt nor a decode within ${timeoutMs} ms:\n${await t.screen()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = "";
      try {
        children = readFileSync(`/proc/${p}/task/${task}/children`, "utf8");
      } catch {
        continue;
      }
      for (const c of children.split(/\s+/).filter(Boolean).map(Number)) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

function mapsSharp(pid: number): boolean {
  try {
    return /sharp|libvips/.test(readFileSync(`/proc/${pid}/maps`, "utf8"));
  } catch {
    return false;
  }
}
