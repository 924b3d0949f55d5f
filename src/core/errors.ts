// The errors otp throws. Each carries a stable `kind` (docs/testplan.md, "Exit codes and error kinds"), a one-line message
// and optional hints; cli/output.ts maps the class to the exit code. Messages never hold a
// secret: callers name entries, files and flags, never seeds or passwords.
// Every class takes (kind, message, hints) in that order, so code that re-throws one error as
// another class (`new X(err.kind, …, err.hints)`) cannot scramble them; a unit test
// (test/unit/core/errors.test.ts) checks that each call site's first argument is a kind.

export class OtpError extends Error {
  readonly kind: string;
  readonly hints: string[];
  constructor(kind: string, message: string, hints: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.hints = hints;
  }
}

/** Bad arguments or flags (exit 2); its kind is "usage" unless a test needs a finer one. */
export class UsageError extends OtpError {}

/** Malformed secret, URI, file or other input (exit 2). */
export class InputError extends OtpError {}

/** No entry matches, or several do where one was needed (exit 3). */
export class NotFoundError extends OtpError {
  readonly candidates: string[];
  constructor(kind: "not-found" | "ambiguous", message: string, candidates: string[] = [], hints: string[] = []) {
    super(kind, message, hints);
    this.candidates = candidates;
  }
}

/** Cannot unlock: wrong password, none given, session expired or invalid (exit 4). */
export class AuthError extends OtpError {}

/** The vault is damaged, not a vault, from a newer version, or read-only (exit 5). */
export class VaultDamagedError extends OtpError {}

/** Ctrl-C, a cancelled prompt, or SIGTERM (exit 130, or 143 for SIGTERM). */
export class InterruptedError extends OtpError {
  readonly signal: "SIGINT" | "SIGTERM";
  constructor(signal: "SIGINT" | "SIGTERM" = "SIGINT") {
    super("interrupted", "interrupted");
    this.signal = signal;
  }
}
