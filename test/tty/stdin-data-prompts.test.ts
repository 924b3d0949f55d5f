// Issue 11 item 1: standard input carries data, the password is typed. Every command that reads
// data from standard input asks its hidden prompts on the controlling terminal (/dev/tty), as
// ssh, gpg and sudo do; the typed password is never shown; prompts appear on the terminal even
// when standard error goes to a file. Without a controlling terminal (`setsid`) it is exit 4, as
// before. Real terminals in tmux.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OTP_BIN, otpHome, runOtpAsync, totp, writeVault, type OtpHome } from "../helpers/otp-home.js";
import { killTmuxSessions, startTmux, sttyFlag, type TmuxSession } from "../helpers/tmux.js";
import { hasTool, needTool } from "../helpers/tools.js";

const SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const NEW_SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/** The vault's password, which no screen would show by chance. */
const PASSWORD = "Quokka-Zebra-4711";
const FIX = join(import.meta.dirname, "../fixtures");
const AEGIS = join(FIX, "import/aegis-vault/aegis_encrypted.json");
const QR_ONE = join(FIX, "ga-migration-dim13/example.png");

async function homeWithVault(): Promise<OtpHome> {
  const h = await otpHome();
  await writeVault(h.vault, [totp("github", SEED, { issuer: "GitHub" })], PASSWORD);
  return h;
}

async function names(h: OtpHome): Promise<string[]> {
  const r = await runOtpAsync(["list"], h.env({ OTP_PASSWORD: PASSWORD }));
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split("\n").filter(Boolean);
}

/** Types the vault password at its prompt; it must never be shown, on the screen or in the byte log. */
async function typePassword(t: TmuxSession, prompt: RegExp, password: string, settled: RegExp): Promise<void> {
  await t.waitFor(prompt, 15_000);
  await t.type(password);
  await t.sendKeys("Enter");
  await t.waitFor(settled, 15_000);
  expect(await t.screen()).not.toContain(password);
  expect(await t.waitForOutput(settled)).not.toContain(password);
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(!needTool("tmux"))("data on standard input, the password from the terminal (tmux)", () => {
  afterEach(killTmuxSessions);

  it('`echo SECRET | otp add bank --stdin` asks "Vault password:" on the terminal and adds the entry', async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, shell: `echo ${NEW_SEED} | otp add bank --stdin` });
    await typePassword(t, /Vault password:/, PASSWORD, /added "bank"/);
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).toMatch(/^bank: \d{3} \d{3} /m);
    expect(await names(h)).toEqual(["github", "bank"]);
  });

  it("Ctrl-C at that prompt exits 130, adds nothing and leaves the terminal as it was", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, shell: `echo ${NEW_SEED} | otp add bank --stdin` });
    await t.waitFor(/Vault password:/, 15_000);
    await t.type("Quok");
    await t.sendKeys("C-c");
    expect(await t.exitCode()).toBe(130);
    expect(await t.screen()).toMatch(/otp: interrupted/);
    const { before, after } = t.stty();
    expect(sttyFlag(after, "echo")).toBe(true);
    expect(after).toBe(before);
    expect(await names(h)).toEqual(["github"]);
  });

  it("`echo PASSWORD | otp --password-file - export --format aegis` asks the export's password on the terminal, twice", async () => {
    using h = await homeWithVault();
    const out = join(h.home, "aegis.json");
    const t = await startTmux({ home: h.home, shell: `echo ${PASSWORD} | otp --password-file - export --format aegis --output ${q(out)}` });
    await typePassword(t, /Password for the Aegis export:/, "Another-Long-Phrase-91", /Repeat the password:/);
    await t.type("Another-Long-Phrase-91");
    await t.sendKeys("Enter");
    expect(await t.exitCode()).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).header.slots).toBeTruthy();
  });

  it("with standard error in a file, the prompt is still drawn on the terminal; the file gets the messages", async () => {
    using h = await homeWithVault();
    const err = join(h.home, "err.txt");
    const t = await startTmux({ home: h.home, shell: `echo ${NEW_SEED} | otp add bank --stdin 2> ${q(err)}` });
    await typePassword(t, /Vault password:/, PASSWORD, /\[exit 0\]/);
    expect(readFileSync(err, "utf8")).toContain(`otp: added "bank"`);
    expect(readFileSync(err, "utf8")).not.toContain(PASSWORD);
    expect(await names(h)).toEqual(["github", "bank"]);
  });

  it("`otp add x --qr -` with the image on standard input", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, shell: `cat ${q(QR_ONE)} | otp add fromqr --qr -` });
    await typePassword(t, /Vault password:/, PASSWORD, /added "fromqr"/);
    expect(await t.exitCode()).toBe(0);
    expect(await names(h)).toEqual(["github", "fromqr"]);
  });

  it("`otp import -`: the export's password and then the vault's, both on the terminal", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, shell: `cat ${q(AEGIS)} | otp import -` });
    await typePassword(t, /Password of standard input \(Aegis\):/, "test", /Vault password:/);
    await typePassword(t, /Vault password:/, PASSWORD, /added 7, skipped 0/);
    expect(await t.exitCode()).toBe(0);
  });

  it("`otp recovery add QUERY` with the codes on standard input", async () => {
    using h = await homeWithVault();
    const t = await startTmux({ home: h.home, shell: `printf 'aaaa-1111\\nbbbb-2222\\n' | otp recovery add github` });
    await typePassword(t, /Vault password:/, PASSWORD, /added 2 recovery codes to "github"/);
    expect(await t.exitCode()).toBe(0);
  });

  it("a backup's own password, when standard input gave the vault's (`--password-file -`)", async () => {
    using h = await homeWithVault();
    const backup = join(h.home, "b.otp");
    const pwFile = join(h.home, "backup-pw");
    writeFileSync(pwFile, "Tangerine-Harbour-Kettle-93\n");
    const made = await runOtpAsync(["backup", backup, "--backup-password-file", pwFile], h.env({ OTP_PASSWORD: PASSWORD }));
    expect(made.code, made.stderr).toBe(0);
    await runOtpAsync(["remove", "github", "--yes"], h.env({ OTP_PASSWORD: PASSWORD }));
    const t = await startTmux({ home: h.home, shell: `echo ${q(PASSWORD)} | otp --password-file - restore ${q(backup)}` });
    await typePassword(t, /Password of the backup .*b\.otp:/, "Tangerine-Harbour-Kettle-93", /from .*b\.otp: .*brought back 1/);
    expect(await t.exitCode()).toBe(0);
    expect(await names(h)).toEqual(["github"]);
  });

  it("a new backup password, when standard input gave the vault's", async () => {
    using h = await homeWithVault();
    const backup = join(h.home, "b.otp");
    const strong = "Tangerine-Harbour-Kettle-93";
    const t = await startTmux({
      home: h.home,
      shell: `echo ${q(PASSWORD)} | otp --password-file - backup ${q(backup)} --new-backup-password`,
    });
    await typePassword(t, /New backup password:/, strong, /Repeat the password:/);
    await typePassword(t, /Repeat the password:/, strong, /\[exit 0\]/);
    const pw = join(h.home, "pw");
    writeFileSync(pw, `${strong}\n`);
    const v = await runOtpAsync(["backup", "verify", backup, "--backup-password-file", pw], h.env({ OTP_PASSWORD: "not-this-one" }));
    expect(v.code, v.stderr).toBe(0);
  });

  it.skipIf(!hasTool("setsid"))("no controlling terminal at all (`setsid`): exit 4 as before, nothing added", async () => {
    using h = await homeWithVault();
    const t = await startTmux({
      home: h.home,
      shell: `echo ${NEW_SEED} | setsid -w ${q(process.execPath)} ${q(OTP_BIN)} add bank --stdin`,
    });
    expect(await t.exitCode()).toBe(4);
    expect(await t.screen()).toMatch(/otp: error: no password given and no terminal to ask on/);
    expect(await t.screen()).not.toMatch(/Vault password:/);
    expect(await names(h)).toEqual(["github"]);
  });
});
