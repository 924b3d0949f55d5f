// What every import format (codec) gives and takes. A codec turns one input's bytes into
// entry drafts and per-entry problems; it never throws for one bad entry (Aegis keeps
// `Result.errors`): only for a file it cannot read at all (InputError, exit 2) or a wrong
// password (AuthError, exit 4). Pure: passwords come in through `helpers`.
import type { EntryDraft, RecoveryCode } from "../entry.js";

/** One input: a file's bytes (or standard input) and the name messages use for it. */
export interface ImportSource {
  /** as the user gave it: a path, or "standard input" */
  name: string;
  bytes: Uint8Array;
}

export interface ImportedEntry {
  draft: EntryDraft;
  /** where in the input, for messages: "line 3", "entry 2", "image 1, QR 2" (never a secret) */
  where: string;
  /** one-line notes for stderr, already safe for a terminal */
  warnings: string[];
  /** one-time recovery codes the other app kept beside the seed, if any (a plain string is unused) */
  recoveryCodes?: (string | RecoveryCode)[];
}

export interface ImportProblem {
  where: string;
  /** one line, no secret */
  reason: string;
}

export interface Decoded {
  entries: ImportedEntry[];
  problems: ImportProblem[];
  /** whole-input notes for stderr, e.g. "batch 2 of 3 is missing" */
  notes: string[];
  /** parts of a multi-part export seen in this input; the cli names missing parts across all inputs */
  batches?: BatchPart[];
}

/** One part of an export split over several files or QR codes (Google Authenticator batches). */
export interface BatchPart {
  /** the export's id, the same in every part */
  id: string;
  /** 0-based */
  index: number;
  size: number;
  /** where in the input, for messages */
  where: string;
}

export interface CodecHelpers {
  /**
   * The password of an encrypted export: from --import-password-file, or a hidden prompt
   * (the cli decides). Throws AuthError when there is none. `retry` is true after a wrong one.
   */
  password(what: string, retry: boolean): Promise<string>;
}

/** One import format's reader; core/codecs/formats.ts lists them, with their titles. */
export interface Codec {
  /** the --format value */
  name: string;
  /** cheap and strict: true only when the bytes are surely this format */
  sniff(src: ImportSource): boolean;
  decode(src: ImportSource, helpers: CodecHelpers): Promise<Decoded>;
}

export function emptyDecoded(): Decoded {
  return { entries: [], problems: [], notes: [] };
}
