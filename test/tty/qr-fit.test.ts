// Issue 11: a QR code drawn in the terminal is always whole on the screen, or not drawn at all.
// `otp export --format ga` (16 accounts), `otp show --qr` and `otp new` run in tmux windows of
// 80×24, 100×30 and 120×40. What the window shows (capture-pane of the visible screen, with its
// colours) is turned into a picture as a dark and a light theme show it, and zbarimg must read
// every code drawn; a refusal exits 1 naming the window the code needs, and in a window of that
// size the same command draws a code that reads.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EntryDraft } from "../../src/core/entry.js";
import { otpHome, totp, type OtpHome } from "../helpers/otp-home.js";
import { expectOk, otp } from "../helpers/e2e-util.js";
import { DARK, LIGHT, parseCells, renderTerminal } from "../helpers/terminal-image.js";
import { killTmuxSessions, startTmux, type TmuxSession } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const tools = needTool("tmux") && needTool("zbarimg", "zbar-tools");

interface Size {
  columns: number;
  rows: number;
}
const SIZES: Size[] = [
  { columns: 80, rows: 24 },
  { columns: 100, rows: 30 },
  { columns: 120, rows: 40 },
];
const at = (s: Size) => `${s.columns}×${s.rows}`;

/**
 * What the window shows now (not the scrollback), colours kept, as a dark and as a light theme
 * show it: what zbarimg reads in each picture (null where it reads nothing). One zbarimg run
 * reads both (each run costs ~90 ms of start-up); only when it does not find one code in each
 * are they read apart, to say which.
 */
async function scanScreen(t: TmuxSession): Promise<{ dark: string | null; light: string | null }> {
  const screen = (await t.tmux("capture-pane", "-p", "-e", "-N", "-t", "t")).replace(/\n$/, "");
  const dir = mkdtempSync(join(tmpdir(), "otp-qrfit-"));
  const zbar = (...files: string[]): string[] => {
    try {
      return execFileSync("zbarimg", ["-q", "--raw", ...files], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
        .trim()
        .split("\n");
    } catch {
      return []; // exit 4: no code found
    }
  };
  try {
    const files = [];
    for (const [name, theme] of [
      ["dark", DARK],
      ["light", LIGHT],
    ] as const) {
      const file = join(dir, `${name}.png`);
      writeFileSync(file, await renderTerminal(parseCells(screen, theme), theme));
      files.push(file);
    }
    const both = zbar(...files);
    if (both.length === 2) return { dark: both[0]!, light: both[1]! };
    return { dark: zbar(files[0]!)[0] ?? null, light: zbar(files[1]!)[0] ?? null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Both themes read the same text off the screen; returns it. */
async function scanBoth(t: TmuxSession, where: string): Promise<string> {
  const { dark, light } = await scanScreen(t);
  expect(dark, `${where}, dark theme:\n${await t.screen()}`).not.toBeNull();
  expect(light, `${where}, light theme`).toBe(dark);
  return dark!;
}

/** The window a refusal names: "needs a window of at least C×R", bigger than this one. */
function neededSize(screen: string, win: Size): Size {
  const m = screen.match(/needs a window of at least (\d+)×(\d+)/);
  expect(m, screen).not.toBeNull();
  const need = { columns: Number(m![1]), rows: Number(m![2]) };
  expect(need.columns > win.columns || need.rows > win.rows, screen).toBe(true);
  expect(screen).toContain(`this one is ${at(win)}`);
  return need;
}

/** A one-shot drawing: the shell waits for Enter after otp, so no "[exit]" line scrolls the screen. */
async function drawOnce(h: OtpHome, args: string, size: Size, noColor = false): Promise<{ t: TmuxSession; code: number | null }> {
  const marker = join(h.home, `done-${Math.random().toString(36).slice(2)}`);
  const t = await startTmux({
    home: h.home,
    shell: `otp ${args}; s=$?; echo "$s" > '${marker}'; read _; (exit $s)`,
    env: { OTP_PASSWORD: "test" },
    noColor,
    size,
  });
  const end = Date.now() + 15_000;
  while (!existsSync(marker) || readFileSync(marker, "utf8").trim() === "") {
    if (Date.now() > end) throw new Error(`otp ${args} did not end:\n${await t.screen()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { t, code: Number(readFileSync(marker, "utf8").trim()) };
}

// 16 accounts with names of everyday length: the case.
const SITES = [
  "GitHub",
  "Google",
  "Microsoft",
  "Amazon",
  "Dropbox",
  "Slack",
  "GitLab",
  "Cloudflare",
  "Proton",
  "Twitter",
  "Facebook",
  "Reddit",
  "Discord",
  "Bitwarden",
  "Fastmail",
  "Namecheap",
];
const accounts: EntryDraft[] = SITES.map((s, i) =>
  totp(s.toLowerCase(), `JBSWY3DPEHPK3PXP${"ABCDEFGHIJKLMNOP"[i]}BSWY3DPEHPK3PXP`, { issuer: s, account: `alice.smith${i}@example.com` }),
);

describe.skipIf(!tools)("a QR code on a terminal fits the window or is not drawn", () => {
  afterEach(killTmuxSessions);

  for (const size of SIZES)
    it(
      `export --format ga, 16 accounts, ${at(size)}: every page reads off the screen, or a refusal names the window needed`,
      { timeout: 120_000 },
      async () => {
        using h = await otpHome(accounts);
        const run = async (win: Size) => {
          const t = await startTmux({
            home: h.home,
            args: ["export", "--format", "ga"],
            env: { OTP_PASSWORD: "test" },
            noColor: false,
            size: win,
          });
          const first = await t.waitFor(/Press Enter|\[exit \d+\]/, 15_000);
          if (/\[exit/.test(first)) return { t, uris: null };
          const uris: string[] = [];
          for (let i = 1; ; i++) {
            const screen = await t.waitFor(new RegExp(`Scanned QR code ${i} of \\d+\\? Press Enter`), 10_000);
            uris.push(await scanBoth(t, `${at(win)}, page ${i}`));
            const last = /to clear the screen/.test(screen.slice(screen.lastIndexOf("Scanned QR code")));
            await t.sendKeys("Enter");
            if (last) break;
          }
          expect(await t.exitCode()).toBe(0);
          return { t, uris };
        };
        let { t, uris } = await run(size);
        if (!uris) {
          expect(await t.exitCode()).toBe(1);
          const screen = await t.screen();
          expect(screen).toMatch(/--output DIR/);
          expect(screen).not.toMatch(/[█▀▄]/);
          // The window it names is enough.
          const need = neededSize(screen, size);
          await t.kill();
          ({ uris } = await run(need));
          expect(uris, `in the ${at(need)} window it asked for`).not.toBeNull();
        }
        using fresh = await otpHome([]);
        const r = otp(fresh, ["import", "-"], { input: uris!.join("\n") + "\n" });
        expect(expectOk(r).trim().split("\n")).toHaveLength(16);
        expect(r.stderr).not.toMatch(/missing/);
      },
    );

  it(
    "export --format ga: 80×24 cannot hold one account's code; 100×30 and 120×40 draw them, the bigger window in fewer pages",
    { timeout: 60_000 },
    async () => {
      using h = await otpHome(accounts);
      const pages: number[] = [];
      for (const size of SIZES) {
        const t = await startTmux({
          home: h.home,
          args: ["export", "--format", "ga"],
          env: { OTP_PASSWORD: "test" },
          noColor: false,
          size,
        });
        const s = await t.waitFor(/Press Enter|\[exit \d+\]/, 15_000);
        pages.push(/\[exit 1\]/.test(s) ? 0 : Number(s.match(/Scanned QR code 1 of (\d+)/)?.[1]));
        await t.kill();
      }
      expect(pages[0]).toBe(0);
      expect(pages[1]).toBeLessThanOrEqual(16);
      expect(pages[2]).toBeLessThan(pages[1]!);
      expect(pages[2]).toBeGreaterThan(1);
    },
  );

  for (const size of SIZES)
    it(`show --qr and new, ${at(size)}: the code reads off the screen on both themes`, { timeout: 60_000 }, async () => {
      using h = await otpHome([totp("github", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", { issuer: "GitHub", account: "alice@example.com" })]);
      const show = await drawOnce(h, "show github --qr", size);
      expect(show.code).toBe(0);
      expect(await scanBoth(show.t, `show --qr ${at(size)}`)).toBe(
        "otpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30",
      );
      await show.t.kill();

      const made = await drawOnce(h, "new --issuer Example --account alice@example.com", size);
      expect(made.code).toBe(0);
      const log = readFileSync(join(made.t.dir, "output.log"), "utf8");
      const uri = log.match(/uri: (otpauth:\/\/\S+)/)?.[1];
      expect(uri).toMatch(/^otpauth:\/\/totp\/Example:alice%40example\.com\?secret=[A-Z2-7]{32}&/);
      expect(await scanBoth(made.t, `new ${at(size)}`)).toBe(uri);
    });

  it("show --qr of a long entry at 80×24: refused, naming the window needed, where it then reads", { timeout: 60_000 }, async () => {
    const long = totp("long", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", {
      issuer: "Example Corporation",
      account: "someone.with.a.long.address@example.com",
    });
    using h = await otpHome([long]);
    const size = { columns: 80, rows: 24 };
    const refused = await drawOnce(h, "show long --qr", size);
    expect(refused.code).toBe(1);
    const screen = await refused.t.screen();
    expect(screen).not.toMatch(/[█▀▄]/);
    // nothing of the entry is printed before the refusal
    expect(screen).not.toMatch(/issuer/);
    const need = neededSize(screen, size);
    await refused.t.kill();
    const ok = await drawOnce(h, "show long --qr", need);
    expect(ok.code).toBe(0);
    expect(await scanBoth(ok.t, `show --qr ${at(need)}`)).toMatch(/^otpauth:\/\/totp\/Example%20Corporation:/);
  });

  it("new at 40×20 is refused before anything is saved, with --png FILE as the way out", { timeout: 30_000 }, async () => {
    using h = await otpHome([]);
    const r = await drawOnce(h, "new --issuer Example --account alice@example.com --save", { columns: 40, rows: 20 });
    expect(r.code).toBe(1);
    const screen = await r.t.screen();
    expect(screen).toMatch(/--png FILE/);
    expect(screen).not.toMatch(/secret:|[█▀▄]/);
    neededSize(screen, { columns: 40, rows: 20 });
    expect(expectOk(otp(h, ["list"])).trim()).toBe("");
  });
});
