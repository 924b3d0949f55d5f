// What the built otp says about formats comes from the registries (src/core/codecs/formats.ts,
// src/cli/commands/export/formats.ts): `otp import --help` and `otp export --help` list every format with
// its title, an unknown --format is refused naming them all, and each completion script offers
// them all after --format. And the lists stay light: `otp code` evaluates the two registries and
// no format's module (docs/startup.md).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ROOT, otpHome, totp } from "../helpers/otp-home.js";
import { expectFailure, expectOk, otp } from "../helpers/e2e-util.js";
import { EXPORT_FORMATS } from "../../src/cli/commands/export/formats.js";
import { importFormats } from "../../src/cli/format-help.js";

describe("formats in help and completions", () => {
  it("`otp import --help` lists every import format by name with its title; `otp export --help` every export format", async () => {
    await using h = await otpHome();
    const imp = expectOk(otp(h, ["import", "--help"]));
    for (const f of importFormats())
      expect(imp).toMatch(new RegExp(`^  ${f.name} +${f.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    const exp = expectOk(otp(h, ["export", "--help"])).replace(/\s+/g, " ");
    for (const f of EXPORT_FORMATS) expect(exp).toContain(`${f.name} (${f.title})`);
  });

  it("an unknown --format is exit 2 naming the choices", async () => {
    await using h = await otpHome();
    const names = (fs: readonly { name: string }[]) => new RegExp(fs.map((f) => f.name).join(", "));
    expectFailure(otp(h, ["import", "--format", "nope", "x"]), 2, names([{ name: "auto" }, ...importFormats()]));
    expectFailure(otp(h, ["export", "--format", "nope"]), 2, names(EXPORT_FORMATS));
  });

  it("every completion script offers every format after --format; zsh and fish with its title", async () => {
    await using h = await otpHome();
    const bash = expectOk(otp(h, ["completion", "bash"]));
    expect(bash).toContain(["auto", ...importFormats().map((f) => f.name)].join(" "));
    expect(bash).toContain(EXPORT_FORMATS.map((f) => f.name).join(" "));
    // As each script quotes them: zsh's _describe takes 'name:title' (in single quotes), fish
    // "name"\t"title" (inside its single-quoted -a list).
    const zsh = expectOk(otp(h, ["completion", "zsh"]));
    const fish = expectOk(otp(h, ["completion", "fish"]));
    for (const { name, title } of [...importFormats(), ...EXPORT_FORMATS]) {
      expect(zsh).toContain(`'${name}:${title.replace(/'/g, "'\\''")}'`);
      expect(fish).toContain(`"${name}"\\\\t"${title.replace(/'/g, "\\'")}"`);
    }
    expect(zsh).toContain("'auto:recognise it by its content'");
    expect(fish).toContain('"auto"\\\\t"recognise it by its content"');
  });

  it("`otp code` and `otp list` evaluate the registries and no codec or export module; `otp import` the codecs", async () => {
    // The bundle as scripts/build.mjs makes it, but each module under core/codecs/ and
    // cli/commands/export/ notes when it is evaluated.
    mkdirSync(join(ROOT, "test", ".build"), { recursive: true });
    const dir = mkdtempSync(join(ROOT, "test", ".build", "probe-"));
    // The list as build.mjs writes it (formatted across lines, with a trailing comma).
    const external = JSON.parse(
      /external: (\[[^\]]*\])/.exec(readFileSync(join(ROOT, "scripts", "build.mjs"), "utf8"))![1]!.replace(/,\s*\]$/, "]"),
    ) as string[];
    await build({
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      entryPoints: [join(ROOT, "src", "cli", "main.ts")],
      outfile: join(dir, "otp.cjs"),
      define: { OTP_VERSION: '"0"', OTP_TEST_HOOKS: "false" },
      supported: { "dynamic-import": true },
      logLevel: "error",
      external,
      plugins: [
        {
          name: "mark",
          setup(b) {
            b.onLoad({ filter: /src\/(core\/codecs|cli\/commands\/export)\/[^/]*\.ts$/ }, (a) => ({
              loader: "ts",
              contents: `${readFileSync(a.path, "utf8")}\n(globalThis.__loaded ||= []).push(${JSON.stringify(a.path.slice(a.path.indexOf("src/")))});\n`,
            }));
          },
        },
      ],
    });
    writeFileSync(
      join(dir, "pre.cjs"),
      'process.on("exit", () => process.stderr.write("\\nLOADED " + JSON.stringify(globalThis.__loaded || []) + "\\n"));\n',
    );
    await using h = await otpHome([totp("github", "JBSWY3DPEHPK3PXP")]);
    const loaded = (args: string[], input?: string) => {
      const r = spawnSync(process.execPath, ["-r", join(dir, "pre.cjs"), join(dir, "otp.cjs"), ...args], {
        env: h.env(),
        input,
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]!) as string[];
    };
    const registries = ["src/cli/commands/export/formats.ts", "src/core/codecs/formats.ts"];
    expect(loaded(["code", "github"]).sort()).toEqual(registries);
    expect(loaded(["list"]).sort()).toEqual(registries);
    expect(loaded(["import", "--dry-run", "-"], "otpauth://totp/x?secret=JBSWY3DPEHPK3PXQ\n")).toEqual(
      expect.arrayContaining(["src/core/codecs/aegis.ts", "src/core/codecs/uri-list.ts"]),
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
