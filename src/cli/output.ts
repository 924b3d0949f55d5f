// How otp talks: data on stdout, everything else on stderr as "otp: error: …" / "otp: hint: …"
// lines (age's tui.go rules), and the one table from error class to exit code.
import { AuthError, InputError, InterruptedError, NotFoundError, OtpError, UsageError, VaultDamagedError } from "../core/errors.js";
import { escapeForTerminal } from "../core/text.js";

export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, auth: 4, damaged: 5, interrupted: 130, terminated: 143 } as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof InterruptedError) return err.signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
  if (err instanceof UsageError || err instanceof InputError) return EXIT.usage;
  if (err instanceof NotFoundError) return EXIT.notFound;
  if (err instanceof AuthError) return EXIT.auth;
  if (err instanceof VaultDamagedError) return EXIT.damaged;
  return EXIT.failed;
}

/** Writes the error (and its hints) to stderr. Unexpected errors say "please report"; the stack only with OTP_DEBUG=1. */
export function printError(write: (s: string) => void, err: unknown, debug: boolean): void {
  if (err instanceof OtpError) {
    if (err instanceof InterruptedError) {
      write("otp: interrupted\n");
      return;
    }
    write(`otp: error: ${escapeForTerminal(err.message)}\n`);
    if (err instanceof NotFoundError) for (const c of err.candidates) write(`  ${escapeForTerminal(c)}\n`);
    for (const h of err.hints) write(`otp: hint: ${escapeForTerminal(h)}\n`);
    return;
  }
  const e = err as Error;
  write(`otp: internal error: ${escapeForTerminal(e?.message ?? String(err)).split("\n")[0]}\n`);
  write(`otp: hint: this is a bug; please report it (run with OTP_DEBUG=1 for details)\n`);
  if (debug && e?.stack) write(e.stack + "\n");
}
