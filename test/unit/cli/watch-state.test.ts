// What each key does in `otp watch` (cli/watch-state.ts), and the raw key parser (core/keys.ts).
import { describe, expect, it } from "vitest";
import { initialState, type LiveEntry, type LiveState } from "../../../src/cli/render/live-view.js";
import { applyKey } from "../../../src/cli/watch-state.js";
import { parseKeys, type Key } from "../../../src/core/keys.js";

const e = (id: string, name: string, type = "totp"): LiveEntry =>
  ({ id, name, issuer: name, account: "", type, secret: "JBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30 }) as LiveEntry;
const entries = [e("1", "github"), e("2", "gitlab"), e("3", "quay"), e("4", "bank", "hotp")];

function press(keys: Key[], s: LiveState = initialState()) {
  let action = { kind: "none" } as ReturnType<typeof applyKey>["action"];
  for (const k of keys) ({ state: s, action } = applyKey(s, k, entries, 10));
  return { s, action };
}
const chars = (t: string): Key[] => Array.from(t, (ch) => ({ name: "char", ch }));

describe("watch keys", () => {
  it("typing filters; q quits only when no filter is being typed", () => {
    expect(press(chars("q")).action.kind).toBe("quit");
    const typed = press(chars("giq"));
    expect(typed.s.filter).toBe("giq");
    expect(typed.action.kind).toBe("none");
    expect(press([{ name: "char", ch: "/" }, ...chars("qu")]).s.filter).toBe("qu");
  });

  it("Esc clears the filter first, then quits; Ctrl-C and Ctrl-D always quit", () => {
    const { s } = press(chars("git"));
    const once = press([{ name: "escape" }], s);
    expect(once.s.filter).toBe("");
    expect(once.action.kind).toBe("none");
    expect(press([{ name: "escape" }], once.s).action.kind).toBe("quit");
    expect(press([{ name: "ctrl-c" }], s).action.kind).toBe("quit");
    expect(press([{ name: "ctrl-d" }], s).action.kind).toBe("quit");
  });

  it("arrows move within the filtered list; Enter copies the selected entry", () => {
    expect(press([{ name: "down" }, { name: "down" }, { name: "enter" }]).action).toEqual({ kind: "copy", id: "3" });
    expect(press([{ name: "up" }, { name: "enter" }]).action).toEqual({ kind: "copy", id: "1" });
    expect(press([{ name: "end" }, { name: "down" }, { name: "enter" }]).action).toEqual({ kind: "copy", id: "4" });
    expect(press([...chars("lab"), { name: "down" }, { name: "enter" }]).action).toEqual({ kind: "copy", id: "2" });
  });

  it("Space makes an HOTP code for an HOTP entry, and is a space in a filter otherwise", () => {
    expect(press([{ name: "end" }, { name: "space" }]).action).toEqual({ kind: "hotp", id: "4" });
    expect(press([...chars("a"), { name: "space" }]).s.filter).toBe("a ");
  });

  it("Backspace edits the filter, and on an empty one leaves filtering (so q quits again)", () => {
    const { s } = press([...chars("ab"), { name: "backspace" }]);
    expect(s.filter).toBe("a");
    const out = press([{ name: "backspace" }, { name: "backspace" }, ...chars("q")], s);
    expect(out.action.kind).toBe("quit");
  });
});

describe("raw key parsing", () => {
  it("reads arrows (CSI and SS3), paging, Enter, Backspace, controls and text", () => {
    const names = (s: string) => parseKeys(s).map((k) => (k.name === "char" ? k.ch : k.name));
    expect(names("\x1b[A\x1b[B\x1bOA\x1b[5~\x1b[6~\x1b[H\x1b[4~")).toEqual(["up", "down", "up", "pageup", "pagedown", "home", "end"]);
    expect(names("\r\x7f\x03\x04 ")).toEqual(["enter", "backspace", "ctrl-c", "ctrl-d", "space"]);
    expect(names("gité")).toEqual(["g", "i", "t", "é"]);
    expect(names("\x1b")).toEqual(["escape"]);
    expect(names("\x1bq")).toEqual(["escape", "q"]);
    expect(names("\x1b[1;5A")).toEqual(["up"]);
    expect(names("\x1b[200~x")).toEqual(["x"]); // unknown sequences are dropped
    expect(names("\x01\x1b[")).toEqual([]);
  });
});
