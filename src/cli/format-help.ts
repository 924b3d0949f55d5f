// What --help says about formats, made from the registries (core/codecs/formats.ts for import,
// cli/commands/export/formats.ts for export), so a format added there shows in help, in --format's
// choices and in the shell completions without another edit. Light: names and titles only.
import { IMPORT_FORMATS } from "../core/codecs/formats.js";
import { EXPORT_FORMATS } from "./commands/export/formats.js";

export interface FormatTitle {
  name: string;
  title: string;
}

/** Not a codec: the cli reads QR codes out of images itself (cli/commands/import/image.ts). */
export const IMAGE_FORMAT: FormatTitle = { name: "image", title: "QR codes in photos or screenshots: PNG, JPEG, WebP, GIF, TIFF, AVIF" };

/** The formats `otp import --format` takes (but auto), as help lists them: by name. */
export function importFormats(): FormatTitle[] {
  return [...IMPORT_FORMATS, IMAGE_FORMAT].map(({ name, title }) => ({ name, title })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

export const importChoices = (): string[] => ["auto", ...importFormats().map((f) => f.name)];
export const exportChoices = (): string[] => EXPORT_FORMATS.map((f) => f.name);

/** `otp import --help`'s table of formats: a name, then its title. */
export function importFormatsHelp(): string {
  const list = importFormats();
  const width = Math.max(...list.map((f) => f.name.length)) + 2;
  return `\nFormats (--format NAME; auto recognises most by their content):\n${list.map((f) => `  ${f.name.padEnd(width)}${f.title}\n`).join("")}`;
}

/** `otp export --format`'s description: "output format: uri (otpauth:// lines), json (otp's own), …". */
export function exportFormatDescription(): string {
  return `output format: ${EXPORT_FORMATS.map((f) => `${f.name} (${f.title})`).join(", ")}`;
}
