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

/** `otp import --format`'s default, as the completions describe it. */
const AUTO_FORMAT: FormatTitle = { name: "auto", title: "recognise it by its content" };
/** Every value `otp import --format` takes, auto first, with its title. */
export const importChoiceFormats = (): FormatTitle[] => [AUTO_FORMAT, ...importFormats()];
/** Every value `otp export --format` takes, the default first, with its title. */
export const exportFormats = (): FormatTitle[] => EXPORT_FORMATS.map(({ name, title }) => ({ name, title }));

export const importChoices = (): string[] => importChoiceFormats().map((f) => f.name);
export const exportChoices = (): string[] => exportFormats().map((f) => f.name);

/** The titles of an option's choices, which the zsh and fish completions show beside each (cli/completion.ts). */
const choiceTitles = new WeakMap<object, ReadonlyMap<string, string>>();

/** `option`, whose choices these formats describe: their titles go to the completions. */
export function titled<O extends object>(option: O, formats: readonly FormatTitle[]): O {
  choiceTitles.set(option, new Map(formats.map((f) => [f.name, f.title])));
  return option;
}

/** The title of one of an option's choices, if program.ts gave its choices titles. */
export const choiceTitle = (option: object, choice: string): string | undefined => choiceTitles.get(option)?.get(choice);

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
