// Which clipboard otp picks for an environment, the OSC 52 sequence, and the child
// environment (no OTP_* reaches a clipboard tool).
import { describe, expect, it } from "vitest";
import { childEnv, chooseClipboard, osc52 } from "../../../src/io/clipboard.js";

const tools =
  (...names: string[]) =>
  (n: string) =>
    names.includes(n);
const pick = (env: Record<string, string>, has = tools("xsel", "xclip", "wl-copy", "wl-paste"), tty = true, platform = "linux") =>
  chooseClipboard(env, platform as NodeJS.Platform, has, () => tty);

describe("choosing the clipboard", () => {
  it("Wayland first, then X11 (xsel, then xclip), then OSC 52 over SSH", () => {
    expect(pick({ WAYLAND_DISPLAY: "wayland-0", DISPLAY: ":0" })).toMatchObject({ kind: "tool", name: "wl-copy" });
    expect(pick({ DISPLAY: ":0" })).toMatchObject({ kind: "tool", name: "xsel", copy: ["xsel", "--clipboard", "--input"] });
    expect(pick({ DISPLAY: ":0" }, tools("xclip"))).toMatchObject({ kind: "tool", name: "xclip" });
    expect(pick({ SSH_TTY: "/dev/pts/3" })).toEqual({ kind: "osc52", tty: "/dev/tty" });
    expect(pick({ SSH_CONNECTION: "10.0.0.1 5 10.0.0.2 22" })).toMatchObject({ kind: "osc52" });
    expect(pick({}, tools("pbcopy"), false, "darwin")).toMatchObject({ name: "pbcopy" });
  });

  it("a display without a tool falls back to OSC 52 over SSH, else names what to install", () => {
    expect(pick({ DISPLAY: ":0", SSH_TTY: "/dev/pts/1" }, tools())).toMatchObject({ kind: "osc52" });
    expect(() => pick({ DISPLAY: ":0" }, tools())).toThrow(/clipboard unavailable: xsel or xclip not installed/);
    expect(() => pick({ WAYLAND_DISPLAY: "w" }, tools("wl-copy"))).toThrow(/wl-clipboard/);
  });

  it("no display and no SSH (or SSH without a terminal) is `clipboard-unavailable`", () => {
    expect(() => pick({})).toThrow(
      expect.objectContaining({ kind: "clipboard-unavailable", message: expect.stringMatching(/no display/) }),
    );
    expect(() => pick({ SSH_TTY: "/dev/pts/1" }, tools(), false)).toThrow(/without a terminal/);
  });

  it("OSC 52 carries the text as base64 to the clipboard selection, ended by BEL", () => {
    expect(osc52("123456")).toBe("\x1b]52;c;MTIzNDU2\x07");
  });

  it("children get the environment without OTP_*", () => {
    expect(childEnv({ PATH: "/bin", DISPLAY: ":1", OTP_SESSION: "s", OTP_PASSWORD: "p", OTP_VAULT: "v", X: undefined })).toEqual({
      PATH: "/bin",
      DISPLAY: ":1",
    });
  });
});
