// Picks the codec for one input: the one --format names, or the first in IMPORT_FORMATS
// (core/codecs/formats.ts, whose order is the order `--format auto` tries them) whose sniff()
// accepts the input. Codecs load here, when an import runs, never at start-up.
import { InputError } from "../errors.js";
import { IMPORT_FORMATS } from "./formats.js";
import type { Codec, ImportSource } from "./types.js";
import { isText, shapeHint } from "./sniff-hints.js";

/** Every codec, in the order auto tries them. */
export function loadCodecs(): Promise<Codec[]> {
  return Promise.all(IMPORT_FORMATS.map((f) => f.load()));
}

export async function codecByName(name: string): Promise<Codec | undefined> {
  return IMPORT_FORMATS.find((f) => f.name === name)?.load();
}

const names = () => IMPORT_FORMATS.map((f) => f.name).join(", ");

/** The codec for --format NAME, or the first that recognises the input. Throws InputError (exit 2). */
export async function pickCodec(src: ImportSource, format: string): Promise<Codec> {
  if (format !== "auto") {
    const c = await codecByName(format);
    if (!c) throw new InputError("unknown-format", `unknown import format "${format}"`);
    return c;
  }
  const codecs = await loadCodecs();
  const c = codecs.find((k) => k.sniff(src));
  if (c) return c;
  const hint = shapeHint(src);
  if (hint) throw new InputError("unknown-format", `${src.name}: ${hint}`, [`name its format with --format (one of: ${names()})`]);
  // Text that no format claims is read as a URI list, which reports each bad line by number.
  if (isText(src.bytes)) return codecs.find((k) => k.name === "uri")!;
  throw new InputError("unknown-format", `${src.name}: not a format otp can import`, [`name it with --format (one of: ${names()})`]);
}
