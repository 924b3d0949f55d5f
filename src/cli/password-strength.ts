// How guessable a new password is: zxcvbn-ts's score, 0 to 4, from its pattern matchers
// (keyboard rows, repeats, sequences, dates, l33t) and the common-password and diceware lists of
// @zxcvbn-ts/language-common. The rule (README, "Passwords"): a score under MIN_SCORE is weak.
// Loaded with import() only by the commands that set a password (init, passwd, backup with its
// own password): it costs about 200 ms, and `otp code` never loads it.
import { loadPackage } from "../core/load.js";

/**
 * zxcvbn's 3 means it needs at least 10^8 guesses: an attacker with a copy of the vault file,
 * at thousands of Argon2id guesses a second, spends days on it; under 3 (10^6 to 10^8) only hours.
 */
export const MIN_SCORE = 3;

export interface Strength {
  /** 0 (guessed at once) to 4 (over 10^10 guesses) */
  score: number;
  /** why it is weak, in our words ("it is a single word"); null when zxcvbn names no pattern */
  reason: string | null;
}

// zxcvbn's warning keys (its default translations are the keys), in our words. Never the password.
const REASONS: Record<string, string> = {
  straightRow: "it is a straight row of keys",
  keyPattern: "it is a short keyboard pattern",
  simpleRepeat: "it repeats one character",
  extendedRepeat: "it repeats a group of characters",
  sequences: "it is a sequence like abc or 6543",
  recentYears: "it is built on a recent year",
  dates: "it is built on a date",
  topTen: "it is one of the most used passwords",
  topHundred: "it is one of the most used passwords",
  common: "it is a commonly used password",
  similarToCommon: "it is close to a commonly used password",
  wordByItself: "it is a single word",
  namesByThemselves: "it is a name",
  commonNames: "it is built on a common name",
  userInputs: "it is built on this tool's name",
  pwned: "it has appeared in data breaches",
};

interface Zxcvbn {
  check(password: string, userInputs?: string[]): { score: number; feedback: { warning: string | null } };
}
type CoreModule = { ZxcvbnFactory: new (options: object) => Zxcvbn };
type CommonModule = { dictionary: object; adjacencyGraphs: object };

let estimator: Promise<Zxcvbn> | undefined;

async function load(): Promise<Zxcvbn> {
  const [core, common] = await Promise.all([
    loadPackage<CoreModule & { default?: CoreModule }>("@zxcvbn-ts/core"),
    loadPackage<CommonModule & { default?: CommonModule }>("@zxcvbn-ts/language-common"),
  ]);
  const { ZxcvbnFactory } = core.ZxcvbnFactory ? core : core.default!;
  const { dictionary, adjacencyGraphs } = common.dictionary ? common : common.default!;
  // No Levenshtein matching: it costs ~400 ms a check and only moves typos of common passwords
  // ("passwrod") from 2 to 0, both under MIN_SCORE. No @zxcvbn-ts/language-en either: ~500 ms more
  // to load, and its words barely move a score across 3; its feedback text is ours (REASONS).
  return new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
}

/**
 * The strength of `password`; `related` are words a guesser would try first (the tool's name,
 * the user's login). Throws when the package cannot load (the caller decides what that means).
 */
export async function passwordStrength(password: string, related: string[] = []): Promise<Strength> {
  const z = await (estimator ??= load());
  const r = z.check(password, ["otp", "otpvault", "vault", "backup", "password", "authenticator", ...related]);
  return { score: r.score, reason: (r.feedback.warning && REASONS[r.feedback.warning]) || null };
}
