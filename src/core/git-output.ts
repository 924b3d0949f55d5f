// What otp makes of git's output, pure: the error a failed git command becomes, its reason in
// one line, remote URLs fit to print. Beside io/git.ts, which runs git.
import { OtpError } from "./errors.js";

/** What a git command gave back. */
export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** git failed (kind "git"). */
export class GitError extends OtpError {}

/**
 * git's reason in one line: the first `fatal:`, `error:` or `ssh:` line (the cause; later ones
 * say "Could not read from remote repository"), else the last line; credentials in URLs hidden.
 */
export function gitReason(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("hint:"));
  const line = lines.find((l) => /^(fatal|error|ssh):/.test(l)) ?? lines[lines.length - 1] ?? "";
  return redactUrl(line.replace(/^(fatal|error):\s*/, "")).slice(0, 300);
}

/** A remote URL fit to print: `https://user:token@host/…` loses its user and token. */
export function redactUrl(s: string): string {
  return s.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1…@");
}

/** stdout as text without its final newline. */
export const text = (r: GitResult) => r.stdout.toString("utf8").replace(/\n$/, "");
