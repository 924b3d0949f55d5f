// The vault and the commands the damage tests run on each damaged copy (test/cli/damage-sweeps,
// test/e2e/damage): `code`, `list` and `add` must each give exit 5 and leave the file as it was,
// and no secret of the vault, nor the one being added, may reach their output.
import { hotp, totp } from "./otp-home.js";
import { newSecret } from "./e2e-util.js";

const S1 = newSecret();
const S2 = newSecret();
/** The seeds of entries(): never in any output. */
export const SECRETS = [S1, S2];
export const entries = () => [totp("github", S1, { issuer: "GitHub", account: "octo@example.com" }), hotp("bank", S2, 3)];

export type Command = { label: string; args: (vault: string) => string[]; input?: string };
/** The seed `add` tries to add. */
export const ADDED = newSecret();
export const COMMANDS: Command[] = [
  { label: "code", args: (v) => ["--vault", v, "code", "github"] },
  { label: "list", args: (v) => ["--vault", v, "list"] },
  { label: "add", args: (v) => ["--vault", v, "add", "newone", "--stdin"], input: ADDED },
];
