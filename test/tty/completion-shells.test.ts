// The completion scripts in the real shells (Debian's bash, zsh and fish): `otp co<Tab>` offers
// code and completion, option values complete, and entry names complete with an unlocked
// session and not without one. bash and fish are asked directly (COMP_WORDS + _otp; fish's
// `complete -C`); zsh only completes in its line editor, so it runs in tmux.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OTP_BIN, ROOT, otpHome, totp, writeVault, type OtpHome } from "../helpers/otp-home.js";
import { expectOk, newSecret, otp } from "../helpers/e2e-util.js";
import { killTmuxSessions, startTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";
import { EXPORT_FORMATS } from "../../src/cli/commands/export/formats.js";
import { importFormats } from "../../src/cli/format-help.js";

const script = (shell: string) => join(ROOT, "completions", `otp.${shell}`);

/** A HOME with github, gitlab and "my bank", an `otp` command on PATH, and a session. */
async function setup(): Promise<{ h: OtpHome; env: Record<string, string>; session: string }> {
  const h = await otpHome([totp("github", newSecret()), totp("gitlab", newSecret()), totp("my bank", newSecret())]);
  const bin = join(h.home, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "otp"), `#!/bin/sh\nexec '${process.execPath}' '${OTP_BIN}' "$@"\n`);
  chmodSync(join(bin, "otp"), 0o755);
  const session = expectOk(otp(h, ["unlock"]))
    .trim()
    .replace(/^export OTP_SESSION=/, "");
  const env = h.env({ PATH: `${bin}:${process.env.PATH}` }, { password: false });
  return { h, env, session };
}

/** bash: what _otp offers for `line` (the cursor at its end). */
function bash(line: string, env: Record<string, string>): string[] {
  const out = execFileSync(
    "bash",
    [
      "--norc",
      "--noprofile",
      "-c",
      `source '${script("bash")}'
line=$1; read -ra COMP_WORDS <<< "$line"; [[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_LINE=$line; COMP_POINT=\${#line}
_otp; printf '%s\\n' "\${COMPREPLY[@]}"`,
      "_",
      line,
    ],
    { env, encoding: "utf8" },
  );
  return out.split("\n").filter(Boolean);
}

/** fish: `complete -C` for `line`, each candidate with its description after a tab. */
function fishRaw(line: string, env: Record<string, string>): string[] {
  const out = execFileSync("fish", ["--no-config", "-c", `source '${script("fish")}'; complete -C$argv[1]`, line], {
    env,
    encoding: "utf8",
  });
  return out.split("\n").filter(Boolean);
}

/** fish: `complete -C` for `line`, candidates without their descriptions. */
const fish = (line: string, env: Record<string, string>): string[] => fishRaw(line, env).map((l) => l.split("\t")[0]!);

describe.skipIf(!needTool("bash"))("bash completion", () => {
  it("commands, options, option values; names only with a session", async () => {
    const { h, env, session } = await setup();
    using _ = h;
    expect(bash("otp co", env)).toEqual(["code", "completion"]);
    expect(bash("otp --vault x.otp co", env)).toEqual(["code", "completion"]);
    expect(bash("otp code --ne", env)).toEqual(["--next"]);
    expect(bash("otp import --format ", env)).toContain("uri");
    expect(bash("otp completion ", env)).toEqual(["bash", "zsh", "fish"]);
    expect(bash("otp code g", env)).toEqual([]);
    expect(bash("otp code g", { ...env, OTP_PASSWORD: "test" })).toEqual([]);
    expect(bash("otp code g", { ...env, OTP_SESSION: session })).toEqual(["github", "gitlab"]);
    expect(bash("otp show my", { ...env, OTP_SESSION: session })).toEqual(["my\\ bank"]);
    expect(bash("otp code github ", { ...env, OTP_SESSION: session })).toEqual([]); // one QUERY only
    // --vault on the line: the names of that vault, through its own session
    const other = join(h.home, "other.otp");
    await writeVault(other, [totp("othersite", newSecret())]);
    const otherSession = expectOk(otp(h, ["--vault", other, "unlock"]))
      .trim()
      .replace(/^export OTP_SESSION=/, "");
    expect(bash(`otp --vault ${other} code o`, { ...env, OTP_SESSION: otherSession })).toEqual(["othersite"]);
  });
});

describe.skipIf(!needTool("fish"))("fish completion", () => {
  it("commands, options, option values; names only with a session", async () => {
    const { h, env, session } = await setup();
    using _ = h;
    expect(fish("otp co", env)).toEqual(["code", "completion"]);
    expect(fish("otp code --ne", env)).toEqual(["--next"]);
    expect(fish("otp import --format ", env)).toEqual(expect.arrayContaining(["auto", "uri"]));
    // each format with its title (the registries'), and --format itself keeps its own description
    expect(fishRaw("otp export --format ", env)).toEqual(expect.arrayContaining(EXPORT_FORMATS.map((f) => `${f.name}\t${f.title}`)));
    expect(fishRaw("otp import --format ", env)).toEqual(
      expect.arrayContaining(["auto\trecognise it by its content", ...importFormats().map((f) => `${f.name}\t${f.title}`)]),
    );
    expect(fishRaw("otp export --form", env)).toEqual([expect.stringMatching(/^--format\toutput format: uri /)]);
    expect(fish("otp code g", env)).toEqual([]);
    expect(fish("otp code g", { ...env, OTP_PASSWORD: "test" })).toEqual([]);
    expect(fish("otp code g", { ...env, OTP_SESSION: session })).toEqual(["github", "gitlab"]);
  });
});

describe.skipIf(!needTool("zsh") || !needTool("tmux"))("zsh completion (tmux)", () => {
  afterEach(killTmuxSessions);

  async function zsh(env: Record<string, string>) {
    const home = env.HOME!;
    const zdot = join(home, "zdot");
    const fn = join(zdot, "functions");
    mkdirSync(fn, { recursive: true });
    execFileSync("cp", [script("zsh"), join(fn, "_otp")]);
    writeFileSync(
      join(zdot, ".zshrc"),
      `fpath=('${fn}' $fpath)\nautoload -U compinit && compinit -u -d '${zdot}/.zcompdump'\nPROMPT='zsh%% '\n`,
    );
    const t = await startTmux({ home, shell: "exec zsh -i", env: { ...env, ZDOTDIR: zdot } });
    await t.waitFor(/zsh%$/m, 10_000);
    return t;
  }

  it("`otp co<Tab>` lists code and completion; option values complete", async () => {
    const { h, env } = await setup();
    using _ = h;
    const t = await zsh(env);
    await t.type("otp co");
    await t.sendKeys("Tab");
    const listed = await t.waitFor(/^code\b.*\n?.*completion/m);
    expect(listed).toMatch(/completion/);
    await t.sendKeys("C-u");
    await t.type("otp import --format ae");
    await t.sendKeys("Tab");
    await t.waitFor(/otp import --format aegis/);
    // the choices listed with their titles, as _describe lays them out
    await t.sendKeys("C-u");
    await t.type("otp export --format ");
    await t.sendKeys("Tab");
    const formats = await t.waitFor(/^aegis\s+-- Aegis vault$/m);
    expect(formats).toMatch(/^ga\s+-- Google Authenticator QR codes$/m);
    expect(formats).toMatch(/^json\s+-- otp's own$/m);
  });

  it("names complete with a session, not without", async () => {
    const { h, env, session } = await setup();
    using _ = h;
    const t = await zsh({ ...env, OTP_SESSION: session });
    await t.type("otp code gith");
    await t.sendKeys("Tab");
    await t.waitFor(/zsh% otp code github$/m);
    const bare = await zsh({ ...env, OTP_PASSWORD: "test" });
    await bare.type("otp code gith");
    await bare.sendKeys("Tab");
    await new Promise((r) => setTimeout(r, 1000)); // nothing must appear: give it the time a completion takes
    expect(await bare.screen()).toMatch(/zsh% otp code gith$/m);
  });
});
