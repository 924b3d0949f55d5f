// What the built otp says about formats comes from the registries (src/core/codecs/formats.ts,
// src/cli/export/formats.ts): `otp import --help` and `otp export --help` list every format with
// its title, an unknown --format is refused naming them all, and each completion script offers
// them all after --format.
import { describe, expect, it } from "vitest";
import { otpHome } from "../helpers/otp-home.js";
import { expectFailure, expectOk, otp } from "../helpers/e2e-util.js";
import { EXPORT_FORMATS } from "../../src/cli/export/formats.js";
import { importFormats } from "../../src/cli/format-help.js";

describe("formats in help and completions", () => {
  it("`otp import --help` lists every import format by name with its title; `otp export --help` every export format", async () => {
    await using h = await otpHome();
    const imp = expectOk(otp(h, ["import", "--help"]));
    for (const f of importFormats()) expect(imp).toMatch(new RegExp(`^  ${f.name} +${f.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    const exp = expectOk(otp(h, ["export", "--help"])).replace(/\s+/g, " ");
    for (const f of EXPORT_FORMATS) expect(exp).toContain(`${f.name} (${f.title})`);
  });

  it("an unknown --format is exit 2 naming the choices", async () => {
    await using h = await otpHome();
    const names = (fs: readonly { name: string }[]) => new RegExp(fs.map((f) => f.name).join(", "));
    expectFailure(otp(h, ["import", "--format", "nope", "x"]), 2, names([{ name: "auto" }, ...importFormats()]));
    expectFailure(otp(h, ["export", "--format", "nope"]), 2, names(EXPORT_FORMATS));
  });

  it("every completion script offers every format after --format", async () => {
    await using h = await otpHome();
    for (const shell of ["bash", "zsh", "fish"]) {
      const script = expectOk(otp(h, ["completion", shell]));
      expect(script).toContain(["auto", ...importFormats().map((f) => f.name)].join(" "));
      expect(script).toContain(EXPORT_FORMATS.map((f) => f.name).join(" "));
    }
  });
});
