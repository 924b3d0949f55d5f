// The git adapter's pure parts: the clean environment it gives git and the one line it keeps
// of git's errors.
import { describe, expect, it } from "vitest";
import { gitEnv, gitReason, redactUrl } from "../../../src/io/git.js";

describe("gitEnv", () => {
  it("passes what git needs, nothing of otp's, nothing that points git elsewhere, and asks nothing", () => {
    const env = gitEnv({
      PATH: "/usr/bin",
      HOME: "/home/ada",
      SSH_AUTH_SOCK: "/run/agent",
      OTP_PASSWORD: "pw",
      OTP_SESSION: "s",
      GIT_DIR: "/elsewhere",
      GIT_WORK_TREE: "/w",
      EDITOR: "vim",
      DISPLAY: ":0",
    });
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/ada",
      SSH_AUTH_SOCK: "/run/agent",
      LC_ALL: "C",
      LANG: "C",
      GIT_TERMINAL_PROMPT: "0",
      GIT_ASKPASS: "false",
      SSH_ASKPASS: "false",
      GCM_INTERACTIVE: "never",
    });
  });
});

describe("gitReason and redactUrl", () => {
  it("keeps the line that says why, without hints", () => {
    expect(
      gitReason("hint: try this\nfatal: '/x' does not appear to be a git repository\nfatal: Could not read from remote repository.\n"),
    ).toBe("'/x' does not appear to be a git repository");
    expect(
      gitReason("ssh: Could not resolve hostname nowhere: Name or service not known\nfatal: Could not read from remote repository.\n"),
    ).toBe("ssh: Could not resolve hostname nowhere: Name or service not known");
    expect(gitReason("warning: w\nerror: failed to push some refs to 'x'\nhint: Updates were rejected\n")).toBe(
      "failed to push some refs to 'x'",
    );
    expect(gitReason("")).toBe("");
  });

  it("hides the user and token of a URL", () => {
    expect(redactUrl("fatal: unable to access 'https://ada:ghp_secret@github.com/ada/v.git/'")).toBe(
      "fatal: unable to access 'https://…@github.com/ada/v.git/'",
    );
    expect(redactUrl("git@github.com:ada/v.git")).toBe("git@github.com:ada/v.git");
  });
});
