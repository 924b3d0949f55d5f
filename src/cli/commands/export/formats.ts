// The export formats, as one light list: the --format name, a title for help, and load() for
// the module that writes it (cli/commands/export/NAME.ts). `otp export --help`, --format's choices, the
// shell completions and the README (test/unit/core/codecs/formats.test.ts) come from here. On
// every command's start-up path (cli/program.ts reads it): no format's module loads until an
// export runs (docs/startup.md).
import type { VaultData } from "../../../core/vault/model.js";
import type { Ctx } from "../../context.js";
import type { ExportOptions } from "./shared.js";

export interface ExportWriter {
  /** throws UsageError before anything is unlocked, so a refused export never asks a password */
  check(ctx: Ctx, opts: ExportOptions): void;
  run(ctx: Ctx, data: VaultData, opts: ExportOptions): Promise<void>;
}

export interface ExportFormat {
  /** the --format value */
  name: string;
  /** a few words for --help: "Aegis vault" */
  title: string;
  load(): Promise<ExportWriter>;
}

/** In the order help lists them; the first is the default. */
export const EXPORT_FORMATS: readonly ExportFormat[] = [
  { name: "uri", title: "otpauth:// lines", load: () => import("./uri.js") },
  { name: "json", title: "otp's own", load: () => import("./json.js") },
  { name: "aegis", title: "Aegis vault", load: () => import("./aegis.js") },
  { name: "ga", title: "Google Authenticator QR codes", load: () => import("./ga.js") },
  { name: "html", title: "printable emergency kit", load: () => import("./html.js") },
];
