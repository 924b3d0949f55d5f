// The frames of `otp watch` at a fixed clock (snapshots at a fixed time, so a frame is the same on every run):
// exact codes (RFC 4226 appendix D secret), the countdown, the filter, scrolling through
// hundreds of entries, HOTP rows, sizes, escaping, and colour only when asked.
import { describe, expect, it } from "vitest";
import {
  cellWidth,
  columns,
  filterEntries,
  fit,
  initialState,
  paint,
  renderFrame,
  scrollFor,
  type LiveEntry,
  type LiveState,
} from "../../../../src/cli/render/live-view.js";
import { hotp as refHotp } from "../../../tty/reference-totp.js";

const RFC = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
const totp = (id: string, name: string, issuer = name, account = `${name}@example.com`, more: Partial<LiveEntry> = {}): LiveEntry =>
  ({ id, name, issuer, account, type: "totp", secret: RFC, algorithm: "SHA1", digits: 6, period: 30, ...more }) as LiveEntry;
const hotpEntry = (id: string, name: string, counter: number): LiveEntry =>
  ({ id, name, issuer: name, account: "", type: "hotp", secret: RFC, algorithm: "SHA1", digits: 6, counter }) as LiveEntry;
const screen = (nowMs: number, width = 80, height = 6, color = false) => ({ width, height, nowMs, color });
const state = (s: Partial<LiveState> = {}): LiveState => ({ ...initialState(), ...s });

describe("live view frames", () => {
  it("draws the codes of now and of the next step, and the seconds left, at a fixed clock", () => {
    const entries = [totp("a", "github", "GitHub", "ada@example.com"), hotpEntry("b", "bank", 3)];
    const { lines } = renderFrame(entries, state(), screen(59_000));
    expect(lines).toEqual([
      "Type to filter                                                            2 of 2",
      "────────────────────────────────────────────────────────────────────────────────",
      "› github  GitHub · ada@example.com  287 082  next 359 152  ░░░░░░░░░░   1s",
      "  bank    bank                      ··· ···                Space: new code",
      "",
      "↑↓ move  Enter copy  Space HOTP  / filter  q quit                            1/2",
    ]);
    // RFC 4226 appendix D: counter 1 → 287082, counter 2 → 359152 (T = 59 s is step 1)
    expect(refHotp(RFC, 1)).toBe("287082");
  });

  it("the countdown follows the clock: a full bar at the start of a step, empty at its end", () => {
    const e = [totp("a", "github")];
    const at = (ms: number) => renderFrame(e, state(), screen(ms)).lines[2]!;
    expect(at(30_000)).toMatch(/██████████  30s$/);
    expect(at(45_000)).toMatch(/█████░░░░░  15s$/);
    expect(at(59_999)).toMatch(/░░░░░░░░░░   1s$/);
    // the next frame after the roll-over shows the next code as current
    expect(at(60_000)).toContain("359 152  next 969 429");
  });

  it("the filter narrows the list (substring of name or issuer:account, else letters in order)", () => {
    const e = [totp("a", "github"), totp("b", "gitlab"), totp("c", "aws", "Amazon", "root")];
    expect(filterEntries(e, "git").map((x) => x.name)).toEqual(["github", "gitlab"]);
    expect(filterEntries(e, "github").map((x) => x.name)).toEqual(["github"]);
    expect(filterEntries(e, "amaz").map((x) => x.name)).toEqual(["aws"]);
    expect(filterEntries(e, "glb").map((x) => x.name)).toEqual(["gitlab"]);
    expect(filterEntries(e, "").length).toBe(3);
    const { lines } = renderFrame(e, state({ filter: "lab", filtering: true }), screen(59_000));
    expect(lines[0]).toMatch(/^Filter: lab▏ +1 of 3$/);
    expect(lines[2]).toMatch(/^› gitlab /);
    expect(lines[3]).toBe("");
    const none = renderFrame(e, state({ filter: "zzz", filtering: true }), screen(59_000)).lines;
    expect(none[2]).toMatch(/no entry matches "zzz"/);
  });

  it("HOTP rows show no code until one is made, then the code and the counter it used", () => {
    const e = [hotpEntry("b", "bank", 6)];
    const made = renderFrame(e, state({ hotp: { b: refHotp(RFC, 5) } }), screen(0)).lines[2]!;
    expect(made).toMatch(/^› bank +254 676 +counter 5/);
  });

  it("scrolls through hundreds of entries, keeping the selection in view", () => {
    const e = Array.from({ length: 300 }, (_, i) => totp(`id${i}`, `entry${String(i).padStart(3, "0")}`));
    const { lines, scroll } = renderFrame(e, state({ selectedId: "id250" }), screen(59_000, 80, 12));
    expect(lines).toHaveLength(12);
    expect(lines.some((l) => l.startsWith("› entry250 "))).toBe(true);
    expect(scroll).toBe(250 - 9 + 1);
    expect(lines[11]).toMatch(/251\/300$/);
    expect(scrollFor(0, 241, 9, 300)).toBe(0);
    expect(scrollFor(299, 0, 9, 300)).toBe(291);
    expect(scrollFor(3, 250, 9, 5)).toBe(0); // the list shrank under a filter
  });

  it("never draws wider than the screen, for any width, with wide and long names", () => {
    const e = [
      totp("a", "日本の銀行アカウント", "銀行", "太郎"),
      totp("b", "x".repeat(90), "y".repeat(50), "z".repeat(50)),
      hotpEntry("c", "🔑 key", 1),
    ];
    for (let width = 30; width <= 140; width++)
      for (const line of renderFrame(e, state(), screen(59_000, width, 8)).lines)
        expect(cellWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
    expect(renderFrame(e, state(), screen(0, 20, 3)).lines[0]).toContain("too small");
  });

  it("escapes names that hold control characters", () => {
    const { lines } = renderFrame([totp("a", "evil\x1b[2Jname", "x\u202e", "y")], state(), screen(59_000));
    expect(lines.join("\n")).not.toMatch(/\x1b|\u202e/);
    expect(lines[2]).toContain("evil\\u{1b}[2Jname");
  });

  it("colour only when asked: bold codes, a reverse-video selection", () => {
    const e = [totp("a", "github")];
    expect(renderFrame(e, state(), screen(59_000)).lines.join("")).not.toContain("\x1b");
    const coloured = renderFrame(e, state(), screen(59_000, 80, 6, true)).lines;
    expect(coloured[2]).toMatch(/^\x1b\[7m/);
    expect(coloured[2]).toContain("\x1b[1m287 082");
  });

  it("fit cuts with an ellipsis and pads to the exact width; paint erases only short lines", () => {
    expect(fit("abcdef", 4)).toBe("abc…");
    expect(fit("ab", 4)).toBe("ab  ");
    expect(fit("日本語", 4)).toBe("日… ");
    expect(cellWidth("日本")).toBe(4);
    expect(paint(["ab", "abcd"], 4)).toBe("\x1b[1;1Hab\x1b[K\x1b[2;1Habcd");
  });
});

/** For each character of a line with SGR sequences: is it drawn in reverse video, and in which colour. */
function cells(line: string): { ch: string; reverse: boolean; fg: string | null }[] {
  const out: { ch: string; reverse: boolean; fg: string | null }[] = [];
  let reverse = false;
  let fg: string | null = null;
  for (const m of line.matchAll(/\x1b\[([0-9;]*)m|([^\x1b])/gu)) {
    if (m[2] !== undefined) {
      out.push({ ch: m[2], reverse, fg });
      continue;
    }
    for (const p of (m[1] || "0").split(";")) {
      if (p === "0") [reverse, fg] = [false, null];
      else if (p === "7") reverse = true;
      else if (p === "27") reverse = false;
      else if (/^3\d$/.test(p)) fg = p;
    }
  }
  return out;
}

describe("narrow screens", () => {
  const issue = [
    totp("a", "Amazon Web Services", "Amazon", "jane.doe@example.com"),
    totp("b", "GitHub", "GitHub", "jane"),
    totp("c", "Microsoft", "Microsoft", "jane@outlook.com"),
    hotpEntry("d", "bank", 3),
  ];

  it("at 60 columns the names stay whole: the next code goes first, and the bar keeps its width", () => {
    const { lines } = renderFrame(issue, state(), screen(45_000, 60, 8));
    expect(lines[2]).toMatch(/^› Amazon Web Services  .*287 082  █████░░░░░  15s$/);
    expect(lines[4]).toMatch(/^  Microsoft {12}/);
    expect(lines.join("\n")).not.toMatch(/next \d/);
    for (const l of lines) expect(cellWidth(l)).toBeLessThanOrEqual(60);
  });

  it("what goes as the screen narrows: the next code, then issuer · account, then bar length; names are cut last", () => {
    const nameWant = "Amazon Web Services".length;
    let before = columns(issue, 200);
    expect(before).toMatchObject({ name: nameWant, next: 12, blocks: 10 });
    for (let width = 199; width >= 30; width--) {
      const c = columns(issue, width);
      const at = `${width}: ${JSON.stringify(c)}`;
      if (c.who > 0) expect(c.blocks, at).toBe(10);
      if (c.who === 0) expect(c.next, at).toBe(0);
      if (c.blocks < 10) expect(c.who + c.next, at).toBe(0);
      if (c.name < nameWant) expect(c.blocks, at).toBeLessThanOrEqual(3);
      // narrower never gives a name or the bar more room (issuer · account takes what the next code leaves)
      for (const k of ["name", "next", "blocks"] as const) expect(c[k], at).toBeLessThanOrEqual(before[k]);
      before = c;
    }
    expect(columns(issue, 60)).toMatchObject({ name: nameWant, next: 0, blocks: 10 });
    expect(columns(issue, 44)).toMatchObject({ name: nameWant, who: 0, next: 0 });
    expect(columns(issue, 30).blocks).toBe(3);
  });

  it("the bar shrinks to 3 blocks, and HOTP rows say `Space` in the room left", () => {
    const { lines } = renderFrame(issue, state(), screen(45_000, 40, 8));
    expect(lines[2]).toMatch(/^› Amazon Web Services  287 082  ░+ +15s$|^› Amazon Web Services  287 082  █+░+ +15s$/);
    expect(lines[5]).toMatch(/^  bank +··· ···  Space +$/);
  });

  it("the selected row's bar keeps its colours: filled blocks green, never in reverse video", () => {
    for (const width of [100, 60, 36]) {
      const line = renderFrame(issue, state(), screen(45_000, width, 8, true)).lines[2]!;
      const cs = cells(line);
      const blocks = cs.filter((c) => c.ch === "█");
      expect(blocks.length, `${width}`).toBeGreaterThan(0);
      for (const b of blocks) expect(b, `${width}`).toEqual({ ch: "█", reverse: false, fg: "32" });
      for (const b of cs.filter((c) => c.ch === "░")) expect(b.reverse).toBe(false);
      // the selection still shows: the name and the code are in reverse video
      expect(
        cs.filter((c) => "Amazon".includes(c.ch)).every((c) => c.reverse),
        `${width}`,
      ).toBe(true);
      expect(cs.find((c) => c.ch === "2")!.reverse).toBe(true);
    }
  });
});
