// The one place that lists otp's commands, their options and help examples. Each action
// imports its command module only when it runs (changesets does this), so `otp code`
// loads no code of `add`, `import` or the prompts.
import { Argument, Command, InvalidArgumentError, Option } from "commander";
import { createCtx, type Ctx, type GlobalOptions } from "./context.js";

type Run = (ctx: Ctx, ...args: any[]) => Promise<void>;
type Loader = () => Promise<{ run: Run }>;

const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(v);
};
const collect = (v: string, prev: string[] = []) => [...prev, v];
// Bold on a terminal; commander strips the styles where help has no colour.
const examples = (lines: string[]) => "\n\x1b[1mExamples:\x1b[22m\n" + lines.map((l) => `  ${l}`).join("\n") + "\n";

/** Wires an action: the command's own options (plus --json etc.) and the global ones go to run(). */
function action(cmd: Command, load: Loader) {
  cmd.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as Command;
    const positional = args.slice(0, -2);
    const ctx = createCtx(self.optsWithGlobals() as GlobalOptions);
    const mod = await load();
    await mod.run(ctx, ...positional, self.opts());
  });
  return cmd;
}

export function buildProgram(version: string): Command {
  const program = new Command("otp")
    .description("An offline authenticator for the terminal: 2FA codes from an encrypted vault on your own disk.")
    .version(version, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("--vault <path>", "the vault file (else OTP_VAULT, else ~/.local/share/otp/vault.otp)")
    .option("--password-file <file>", "read the vault password from the first line of FILE (- for standard input)")
    .option("--no-color", "no colour (also NO_COLOR=1)")
    .showSuggestionAfterError(true)
    .addHelpText("after", examples([
      "otp init                          create a vault (asks for a password twice)",
      "otp add github --stdin < seed.txt add a seed from a file or a pipe",
      "otp code github                   print GitHub's current code",
      'eval "$(otp unlock --for 15m)"    skip the password for 15 minutes',
      "otp list --json | jq .            every entry but the secrets, as JSON",
    ]) + "\nExit codes: 0 done, 1 failed, 2 bad usage or input, 3 no or several matching entries,\n4 cannot unlock, 5 vault damaged or newer, 130 interrupted.\n");

  action(program.command("init").description("create an empty vault")
    .addHelpText("after", examples(["otp init", "OTP_PASSWORD=… otp init --vault ./work.otp"])), () => import("./commands/init.js"));

  action(program.command("add").argument("[name]", "what you will type to get the code (default: the issuer)")
    .description("add an entry from a secret or an otpauth:// URI")
    .option("--uri <uri>", "an otpauth:// URI")
    .option("--secret <base32>", "the secret (visible to other processes and in shell history: prefer --stdin)")
    .option("--stdin", "read a secret or an otpauth:// URI from standard input")
    .option("--issuer <issuer>", "who issued it, e.g. GitHub")
    .option("--account <account>", "the account, e.g. you@example.com")
    .addOption(new Option("--type <type>", "code type").choices(["totp", "hotp", "steam"]))
    .addOption(new Option("--algorithm <alg>", "HMAC hash").choices(["sha1", "sha256", "sha512"]))
    .option("--digits <n>", "code length, 6 to 10", int("--digits"))
    .option("--period <seconds>", "TOTP period in seconds", int("--period"))
    .option("--counter <n>", "HOTP counter", int("--counter"))
    .option("--tag <tag>", "a tag (repeat for more)", collect)
    .option("--notes <text>", "free text kept with the entry")
    .option("--force", "add even when the vault already holds this secret")
    .addHelpText("after", examples([
      "otp add github --stdin                 paste the secret, then Ctrl-D",
      "otp add                                asks for secret, issuer and account",
      "pbpaste | otp add --stdin              a secret or an otpauth:// URI from the clipboard",
      "otp add --uri 'otpauth://totp/GitHub:me?secret=…&issuer=GitHub'",
      "otp add bank --stdin --type hotp --counter 5 --digits 8",
    ])), () => import("./commands/add.js"));

  action(program.command("code").argument("<query>", "entry name, issuer or part of them").description("print an entry's current code")
    .option("--at <time>", "the code at TIME: ISO-8601 or Unix seconds (TOTP only)")
    .option("--json", "name, issuer, account, code, period and seconds remaining as JSON")
    .option("-c, --copy", "copy the code to the clipboard instead of printing it")
    .option("--clear-after <seconds>", "with --copy: clear the clipboard after S seconds if it still holds the code (default 20; 0: never)", int("--clear-after"))
    .option("--fresh <seconds>", "if under S seconds are left, wait for the next code", int("--fresh"))
    .option("--next", "print the next period's code")
    .addHelpText("after", examples(["otp code github", 'code=$(otp code github)   # the code alone, for scripts', "otp code github --copy    # to the clipboard, cleared after 20 s",
      "otp code github --fresh 5 # never a code with under 5 s left", "otp code github --next", "otp code github --at 2026-01-01T12:00:00Z", "otp code gh --json"])),
    () => import("./commands/code.js"));

  action(program.command("list").alias("ls").argument("[query]", "only entries matching QUERY").description("list entries")
    .option("--json", "all fields but secrets, as JSON")
    .addHelpText("after", examples(["otp list", "otp ls git", "otp list --json | jq -r '.[].issuer'"])), () => import("./commands/list.js"));

  action(program.command("show").argument("<query>").description("show an entry's settings (not its secret unless --reveal)")
    .option("--reveal", "also print the secret and its otpauth:// URI")
    .option("--qr", "draw the otpauth:// URI as a QR code, to scan with a phone")
    .option("--json", "as JSON")
    .addHelpText("after", examples(["otp show github", "otp show github --reveal", "otp show github --qr"])), () => import("./commands/show.js"));

  action(program.command("edit").argument("<query>").description("change an entry's name, issuer, account, tags, digits, period, counter or notes")
    .option("--name <name>").option("--issuer <issuer>").option("--account <account>")
    .option("--tag <tag>", "replace the tags (repeat for more)", collect)
    .option("--no-tags", "remove every tag")
    .option("--digits <n>", "", int("--digits")).option("--period <seconds>", "", int("--period")).option("--counter <n>", "", int("--counter"))
    .option("--notes <text>")
    .addHelpText("after", examples(["otp edit github --name gh", "otp edit gh --account me@work.example --tag work"])), () => import("./commands/edit.js"));

  action(program.command("remove").alias("rm").argument("<query>").description("remove an entry (asks first on a terminal)")
    .option("-y, --yes", "do not ask")
    .addHelpText("after", examples(["otp rm github", "otp remove old-bank --yes"])), () => import("./commands/remove.js"));

  action(program.command("unlock").description("start a session: later commands need no password until it ends")
    .option("--for <duration>", "how long, like 30s, 15m, 2h (at most 24h)", "15m")
    .addHelpText("after", examples(['eval "$(otp unlock)"', 'eval "$(otp unlock --for 1h)"; otp code github; otp lock'])), () => import("./commands/unlock.js"));

  action(program.command("lock").description("end every session of this vault")
    .addHelpText("after", examples(["otp lock"])), () => import("./commands/lock.js"));

  action(program.command("export").description("export entries (plain formats hold every secret in the clear)")
    .addOption(new Option("--format <format>", "output format").choices(["uri"]).default("uri"))
    .option("--plain", "confirm that the output holds the secrets in the clear")
    .option("--output <file>", "write to FILE (0600) instead of standard output")
    .option("--force", "overwrite FILE, or print to a terminal")
    .addHelpText("after", examples(["otp export --format uri --plain --output seeds.txt", "otp export --plain | qrencode …"])), () => import("./commands/export.js"));

  action(program.command("import").argument("<files...>", "files to import; - is standard input").description("import entries from other apps' exports (recognised by their content)")
    .addOption(new Option("--format <format>", "input format (auto: recognise it)").choices(["auto", "uri"]).default("auto"))
    .option("--dry-run", "show what would be added; change nothing")
    .option("--import-password-file <file>", "the password of an encrypted export, from the first line of FILE")
    .addHelpText("after", examples(["otp import seeds.txt", "otp export --plain --vault old.otp | otp import -", "otp import --dry-run seeds.txt"])), () => import("./commands/import.js"));

  action(program.command("watch").argument("[query]", "only entries matching QUERY").description("live codes, full-screen: type to filter, Enter copies, q quits (also `otp` alone)")
    .option("--clear-after <seconds>", "clear a copied code from the clipboard after S seconds (default 20; 0: never)", int("--clear-after"))
    .addHelpText("after", examples(["otp watch", "otp watch work       # only entries matching \"work\"", "otp                  # the same as `otp watch` on a terminal"])
      + "\nKeys: type to filter, ↑ ↓ PgUp PgDn to move, Enter to copy the code, Space for an HOTP code,\n/ to start a filter (one that begins with q), Esc to clear it, q, Esc or Ctrl-C to quit.\n"),
    () => import("./commands/watch.js"));

  const completion = program.command("completion").addArgument(new Argument("[shell]", "bash, zsh or fish").choices(["bash", "zsh", "fish"])).description("print a shell completion script (also in completions/)")
    .addOption(new Option("--entries", "print the entry names, only through an unlocked session (for the scripts)").hideHelp())
    .addHelpText("after", examples([
      "otp completion bash > ~/.local/share/bash-completion/completions/otp",
      "otp completion zsh > ~/.zfunc/_otp      # with fpath=(~/.zfunc $fpath) before compinit",
      "otp completion fish > ~/.config/fish/completions/otp.fish",
    ]) + "\nEntry names complete only while a session is unlocked (`eval \"$(otp unlock)\"`).\n");
  completion.action(async (shell: string | undefined, opts: { entries?: boolean }) => {
    const mod = await import("./commands/completion.js");
    await mod.run(createCtx(completion.optsWithGlobals() as GlobalOptions), shell, opts, program);
  });

  return program;
}
