// In-process (test/helpers/cli-run.ts). A QUERY that is a seed or an otpauth:// URI (pasted into the wrong command) is refused with exit 2
// before any prompt or vault open, with the shell-history warning, and never echoed back
// (docs/testplan.md G.45 for `otp add`'s NAME). The vault has a password but none is given:
// a command that opened it first would exit 4 instead.
import { describe, expect, it } from "vitest";
import { otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, newSecret, otpNullStdin } from "../helpers/e2e-util.js";
import { otpIn as otp } from "../helpers/cli-run.js";

const SEED = newSecret();
const GROUPED = SEED.toLowerCase()
  .slice(0, 16)
  .replace(/(.{4})(?=.)/g, "$1 ");
const URI = `otpauth://totp/GitHub:me?secret=${SEED}&issuer=GitHub`;

const COMMANDS: [string, string[], string[]][] = [
  ["code", ["code"], []],
  ["code --json", ["code", "--json"], []],
  ["show", ["show"], []],
  ["edit", ["edit"], ["--notes", "x"]],
  ["remove", ["remove"], ["--yes"]],
  ["recovery add", ["recovery", "add"], ["--file", "/dev/null"]],
  ["recovery list", ["recovery", "list"], []],
  ["recovery use", ["recovery", "use"], []],
  ["recovery remove", ["recovery", "remove"], ["--yes"]],
  ["verify", ["verify"], ["123456"]],
  ["watch", ["watch"], []],
  ["list", ["list"], []],
];

describe("a secret given as QUERY", () => {
  it.each(COMMANDS)(
    "otp %s SECRET: exit 2 before the vault opens, the secret never echoed",
    async (_, cmd, rest) => {
      using h = await otpHome([totp("github", newSecret(), { issuer: "GitHub" })]);
      for (const query of [SEED, GROUPED, URI, `otpauth-migration://offline?data=${SEED}`]) {
        const r = await otp(h, [...cmd, query, ...rest], { password: false });
        expectFailure(r, 2, "QUERY looks like a secret or an otpauth URI", [SEED]);
        expect(r.stderr).toContain("it is now in your shell history");
        expect(r.stderr).not.toContain(query);
        expect(r.stderr.toUpperCase()).not.toContain(SEED.slice(0, 16));
      }
    },
    60_000,
  );

  it("otp edit --name SECRET is refused the same way", async () => {
    using h = await otpHome([totp("github", newSecret(), { issuer: "GitHub" })]);
    expectFailure(await otp(h, ["edit", "github", "--name", SEED], { password: false }), 2, "--name looks like a secret", [SEED]);
  });

  it("ordinary queries still work, and one that matches nothing is exit 3 naming the query", async () => {
    using h = await otpHome([totp("github", SEED, { issuer: "GitHub" }), totp("GITHUBENTERPRISE", newSecret())]);
    expect((await otp(h, ["code", "github"])).code).toBe(0);
    expect((await otp(h, ["code", "GITHUBENTERPRISE"])).code).toBe(0); // long, but all letters: a name
    expectFailure(otpNullStdin(h, ["code", "gitlab"]), 3, 'no entry matches "gitlab"');
  });
});
