// The one place that lists otp's commands, their options and help examples. Each action
// imports its command module only when it runs (changesets does this), so `otp code`
// loads no code of `add`, `import` or the prompts.
import { InvalidArgumentError, type Command } from "commander";
import type { Ctx } from "./context.js";
import {
  exportChoices,
  exportFormatDescription,
  exportFormats,
  importChoiceFormats,
  importChoices,
  importFormatsHelp,
  titled,
} from "./format-help.js";
import { examples, hintSubcommandTypos, OtpCommand } from "./help-hints.js";
import { action, Argument, type Cmd, globalOptions, Option, type OptionValues, typed, type MakeCtx } from "./typed-commander.js";

export type { MakeCtx };

const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(v);
};
const collect = (v: string, prev: string[] = []) => [...prev, v];
/** A group that takes operands of its own (`otp sync`, `otp backup FILE`): typos of its subcommands are named. */
const withTypoHints = <C>(cmd: C, fileHint?: (word: string) => string): C => {
  hintSubcommandTypos(cmd as unknown as Command, fileHint);
  return cmd;
};

/**
 * The program, or with argv only the top-level command argv names: `otp code github` defines
 * `code` alone, sparing each run the options, help texts and closures of some 40 commands
 * (and the garbage collection they cost at start). With no command word, help, a typo or `--`,
 * the whole tree is built, so root help, suggestions and completions see every command.
 */
export function buildProgram(version: string, makeCtx?: MakeCtx, argv?: readonly string[]): Command {
  const root = new OtpCommand("otp");
  const program = globalOptions(
    typed(root)
      .description("An offline authenticator for the terminal: 2FA codes from an encrypted vault on your own disk.")
      .version(version, "-V, --version", "print the version")
      .helpOption("-h, --help", "show help")
      .option("--vault <path>", "the vault file (else OTP_VAULT, else ~/.local/share/otp/vault.otp)")
      .option("--password-file <file>", "read the vault password from the first line of FILE (- for standard input)")
      .option("--no-color", "no colour (also NO_COLOR=1)"),
  )
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      examples([
        "otp init                          create a vault (asks for a password twice)",
        "otp add github --stdin < seed.txt  add a seed from a file or a pipe",
        "otp code github                   print GitHub's current code",
        'eval "$(otp unlock --for 15m)"    skip the password for 15 minutes',
        "otp list --json | jq .            every entry but the secrets, as JSON",
      ]) +
        "\nExit codes: 0 done, 1 failed, 2 bad usage or input, 3 no or several matching entries,\n4 cannot unlock, 5 vault damaged or newer, 130 interrupted.\n",
    );

  const word = argv && commandWord(root, argv);
  const want = (...names: string[]) => word === undefined || names.includes(word);

  if (want("init"))
    action(
      program
        .command("init")
        .description("create an empty vault and print its recovery key (once)")
        .option("--no-recovery-key", "make no recovery key (then a forgotten password loses every entry)")
        .addHelpText(
          "after",
          examples([
            "otp init                          asks for the password twice, prints the recovery key",
            "(umask 077; otp init > key.txt)   the recovery key alone is on standard output",
            "OTP_PASSWORD=… otp init --vault ./work.otp",
          ]),
        ),
      () => import("./commands/init.js"),
    );

  if (want("add"))
    action(
      program
        .command("add")
        .argument("[name]", "what you will type to get the code (default: the issuer)")
        .description("add an entry from a secret, an otpauth:// URI or a QR image")
        .option("--uri <uri>", "an otpauth:// URI")
        .option(
          "--qr <image>",
          "read the otpauth:// URI from the QR code in IMAGE (PNG, JPEG, WebP, GIF, TIFF, AVIF; - for standard input)",
        )
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
        .addHelpText(
          "after",
          examples([
            "otp add github --stdin                 paste the secret, then Enter",
            "otp add                                asks for secret, issuer and account",
            "pbpaste | otp add --stdin              a secret or an otpauth:// URI from the clipboard",
            "otp add --uri 'otpauth://totp/GitHub:me?secret=…&issuer=GitHub'",
            "otp add github --qr ~/Pictures/github-2fa.png   a screenshot of the site's QR code",
            "otp add bank --stdin --type hotp --counter 5 --digits 8",
          ]),
        ),
      () => import("./commands/add/add.js"),
    );

  if (want("code"))
    action(
      program
        .command("code")
        .argument("<query>", "entry name, issuer or part of them")
        .description("print an entry's current code")
        .option("--at <time>", "the code at TIME: ISO-8601 or Unix seconds (TOTP only)")
        .option("--json", "name, issuer, account, code, period and seconds remaining as JSON")
        .option("-c, --copy", "copy the code to the clipboard instead of printing it")
        .option(
          "--clear-after <seconds>",
          "with --copy: clear the clipboard after S seconds if it still holds the code (default 20; 0: never)",
          int("--clear-after"),
        )
        .option("--fresh <seconds>", "if under S seconds are left, wait for the next code", int("--fresh"))
        .option("--next", "print the next period's code")
        .addHelpText(
          "after",
          examples([
            "otp code github",
            "code=$(otp code github)   # the code alone, for scripts",
            "otp code github --copy    # to the clipboard, cleared after 20 s",
            "otp code github --fresh 5 # never a code with under 5 s left",
            "otp code github --next",
            "otp code github --at 2026-01-01T12:00:00Z",
            "otp code gh --json",
          ]),
        ),
      () => import("./commands/code.js"),
    );

  if (want("list", "ls"))
    action(
      program
        .command("list")
        .alias("ls")
        .argument("[query]", "only entries matching QUERY")
        .description("list entries")
        .option("--json", "all fields but secrets, as JSON")
        .addHelpText("after", examples(["otp list", "otp ls git", "otp list --json | jq -r '.[].issuer'"])),
      () => import("./commands/list.js"),
    );

  if (want("show"))
    action(
      program
        .command("show")
        .argument("<query>")
        .description("show an entry's settings (not its secret unless --reveal)")
        .option("--reveal", "also print the secret and its otpauth:// URI")
        .option("--qr", "draw the otpauth:// URI as a QR code, to scan with a phone")
        .option("--json", "as JSON")
        .addHelpText("after", examples(["otp show github", "otp show github --reveal", "otp show github --qr"])),
      () => import("./commands/show.js"),
    );

  if (want("edit"))
    action(
      program
        .command("edit")
        .argument("<query>")
        .description("change an entry's name, issuer, account, tags, digits, period, counter or notes")
        .option("--name <name>")
        .option("--issuer <issuer>")
        .option("--account <account>")
        .option("--tag <tag>", "replace the tags (repeat for more)", collect)
        .option("--no-tags", "remove every tag")
        .option("--digits <n>", "", int("--digits"))
        .option("--period <seconds>", "", int("--period"))
        .option("--counter <n>", "", int("--counter"))
        .option("--notes <text>")
        .addHelpText("after", examples(["otp edit github --name gh", "otp edit gh --account me@work.example --tag work"])),
      () => import("./commands/edit.js"),
    );

  if (want("remove", "rm"))
    action(
      program
        .command("remove")
        .alias("rm")
        .argument("<query>")
        .description("remove an entry (asks first on a terminal)")
        .option("-y, --yes", "do not ask")
        .addHelpText("after", examples(["otp rm github", "otp remove old-bank --yes"])),
      () => import("./commands/remove.js"),
    );

  if (want("unlock"))
    action(
      program
        .command("unlock")
        .description("start a session: later commands need no password until it ends")
        .option("--for <duration>", "how long, like 30s, 15m, 2h (at most 24h)", "15m")
        .option("--recovery-key", "open the vault with its recovery key (OTP_RECOVERY_KEY, else asked) instead of the password")
        .addHelpText(
          "after",
          examples([
            'eval "$(otp unlock)"',
            'eval "$(otp unlock --for 1h)"; otp code github; otp lock',
            'eval "$(otp unlock --recovery-key)"; otp passwd   # forgot the password',
          ]),
        ),
      () => import("./commands/unlock.js"),
    );

  if (want("lock"))
    action(
      program
        .command("lock")
        .description("end every session of this vault")
        .addHelpText("after", examples(["otp lock"])),
      () => import("./commands/lock.js"),
    );

  if (want("export"))
    action(
      program
        .command("export")
        .description("export entries (plain formats hold every secret in the clear)")
        .addOption(
          titled(
            new Option("--format <format>", exportFormatDescription()).choices(exportChoices()).default(exportChoices()[0]!),
            exportFormats(),
          ),
        )
        .option("--plain", "confirm that the output holds the secrets in the clear")
        .option("--output <file>", "write to FILE (0600) instead of standard output (--format ga: a folder for PNG files)")
        .option("--force", "overwrite FILE, or print to a terminal")
        .option("--export-password-file <file>", "aegis: encrypt with the password on the first line of FILE (else asked twice)")
        .addHelpText(
          "after",
          examples([
            "otp export --format uri --plain --output seeds.txt",
            "otp export --format json --plain --output otp.json      everything, to import into another otp",
            "otp export --format aegis --output aegis.json           an encrypted Aegis vault (asks for its password)",
            "otp export --format aegis --plain --output aegis.json   a plain Aegis export",
            "otp export --format html --plain --output kit.html      a printable emergency kit with QR codes",
            "otp export --format ga                   Google Authenticator QR codes, one at a time, to scan",
            "otp export --format ga --output codes/   the same as PNG files (codes/ga-1-of-2.png, …)",
            "otp export --format ga --plain | cat     the otpauth-migration:// URIs",
          ]),
        ),
      () => import("./commands/export/export.js"),
    );

  if (want("import"))
    action(
      program
        .command("import")
        .argument("<files...>", "files to import; - is standard input")
        .description("import entries from other apps' exports (recognised by their content)")
        .addOption(
          titled(
            new Option("--format <format>", "input format (auto: recognise it)").choices(importChoices()).default("auto"),
            importChoiceFormats(),
          ),
        )
        .option("--dry-run", "show what would be added; change nothing")
        .option("--import-password-file <file>", "the password of an encrypted export, from the first line of FILE")
        .addHelpText(
          "after",
          examples([
            "otp import seeds.txt",
            "otp export --plain --vault old.otp | otp import -",
            "otp import --dry-run seeds.txt",
            "otp import aegis-backup.json                 asks for the backup's password",
            "otp import --import-password-file pw.txt backup.2fas",
            "otp import --format andotp otp_accounts.json.aes",
            "otp import transfer-1.jpg transfer-2.jpg    photos of Google Authenticator's export codes",
            "otp import screenshot.png                   a QR code (otpauth:// or otpauth-migration://)",
          ]) +
            importFormatsHelp() +
            "andOTP's encrypted backups, TOTP Authenticator's backups and pass-otp's URIs carry no marker:\nname them with --format (pass-otp: the HOTP counters are imported plus one).\n",
        ),
      () => import("./commands/import/import.js"),
    );

  if (want("new"))
    action(
      program
        .command("new")
        .description("make a fresh random secret, its otpauth:// URI and QR code (the site's side of enrolment)")
        .option("--issuer <issuer>", "the site or service, e.g. Example")
        .option("--account <account>", "the user's account, e.g. alice@example.com")
        .addOption(new Option("--type <type>", "code type").choices(["totp", "hotp"]))
        .addOption(new Option("--algorithm <alg>", "HMAC hash (phone apps read sha1 best)").choices(["sha1", "sha256", "sha512"]))
        .option("--digits <n>", "code length, 6 to 10", int("--digits"))
        .option("--period <seconds>", "TOTP period in seconds", int("--period"))
        .option("--counter <n>", "HOTP starting counter", int("--counter"))
        .option("--png <file>", "write the QR code to FILE (0600) instead of drawing it")
        .option("--force", "overwrite the --png FILE")
        .option("--save", "also add the new entry to the vault")
        .option("--name <name>", "the saved entry's name (with --save)")
        .option("--tag <tag>", "a tag for the saved entry (repeat for more)", collect)
        .option("--json", "issuer, account, secret and uri as JSON")
        .addHelpText(
          "after",
          examples([
            "otp new --issuer Example --account alice@example.com",
            "otp new --issuer Example --account alice@example.com --png alice.png --json",
            "otp new --issuer Example --account test@example.com --save --name example-test",
          ]),
        ),
      () => import("./commands/new.js"),
    );

  if (want("verify"))
    action(
      program
        .command("verify")
        .argument("<query>", "the entry whose code to check")
        .argument("<code>", "the code to check")
        .description("check a code: exit 0 when valid, 1 when not")
        .option(
          "--window <n>",
          "TOTP: also accept N steps before or after now (default 1); HOTP: look N counters ahead (default 10)",
          int("--window"),
        )
        .option("--at <time>", "check at TIME instead of now: ISO-8601 or Unix seconds (TOTP only)")
        .addHelpText(
          "after",
          examples([
            "otp verify example-test 123456 && echo ok",
            "otp verify example-test 123456 --window 0    only the current code",
            "otp verify bank 12345678 --window 20          HOTP: look 20 counters ahead and resynchronise",
          ]),
        ),
      () => import("./commands/verify.js"),
    );

  if (want("sync")) {
    const sync = action(
      withTypoHints(program.command("sync"))
        .description("sync the vault through git: pull, merge entry by entry, push")
        .addHelpText(
          "after",
          examples([
            "otp sync init git@example.com:me/vault.git   start syncing this vault (or, with no vault yet, fetch it)",
            "otp sync init /media/usb/vault.git           a bare repository on a USB stick (`git init --bare` it first)",
            "otp sync                                     pull, merge entry by entry, push",
            "otp sync status                              ahead/behind and the last sync",
          ]),
        ),
      () => import("./commands/sync/sync.js"),
    );
    action(
      sync
        .command("init")
        .argument("[remote]", "a git remote: a bare repository's path, an ssh or https URL")
        .description(
          "make the vault's folder a git repository holding only the vault, and sync it with REMOTE; with no vault yet, fetch REMOTE's",
        )
        .addHelpText(
          "after",
          examples([
            "otp sync init git@github.com:me/otp-vault.git   a private repository",
            "otp sync init ~/usb/vault.git                   after `git init --bare ~/usb/vault.git`",
            "otp sync init                                   a repository without a remote, for now",
          ]),
        ),
      () => import("./commands/sync/init.js"),
    );
    action(
      sync
        .command("status")
        .description("how this machine's vault stands against the remote")
        .option("--json", "as JSON")
        .option("--offline", "do not fetch; show the state as of the last fetch")
        .addHelpText("after", examples(["otp sync status", "otp sync status --offline --json"])),
      () => import("./commands/sync/status.js"),
    );
    action(
      sync
        .command("merge-driver", { hidden: true })
        .argument("<base>")
        .argument("<ours>")
        .argument("<theirs>")
        .description("git's merge driver for the vault (set up by `otp sync init`)"),
      () => import("./commands/sync/merge-driver.js"),
    );
    action(
      sync
        .command("after-pull", { hidden: true })
        .description("git's post-merge hook: put the vault back when a pull brought an older one (set up by `otp sync init`)"),
      () => import("./commands/sync/after-pull.js"),
    );
  }

  addSafetyCommands(program, want);

  if (want("watch"))
    action(
      program
        .command("watch")
        .argument("[query]", "only entries matching QUERY")
        .description("live codes, full-screen: type to filter, Enter copies, q quits (also `otp` alone)")
        .option(
          "--clear-after <seconds>",
          "clear a copied code from the clipboard after S seconds (default 20; 0: never)",
          int("--clear-after"),
        )
        .addHelpText(
          "after",
          examples([
            "otp watch",
            'otp watch work       # only entries matching "work"',
            "otp                  # the same as `otp watch` on a terminal",
          ]) +
            "\nKeys: type to filter, ↑ ↓ PgUp PgDn to move, Enter to copy the code, Space for an HOTP code,\n/ to start a filter (one that begins with q), Esc to clear it, q, Esc or Ctrl-C to quit.\n",
        ),
      () => import("./commands/watch.js"),
    );

  if (want("completion")) {
    const completion = program
      .command("completion")
      .addArgument(new Argument("[shell]", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
      .description("print a shell completion script (also in completions/)")
      .addOption(new Option("--entries", "print the entry names, only through an unlocked session (for the scripts)").hideHelp())
      .addHelpText(
        "after",
        examples([
          "otp completion bash > ~/.local/share/bash-completion/completions/otp",
          "otp completion zsh > ~/.zfunc/_otp      # with fpath=(~/.zfunc $fpath) before compinit",
          "otp completion fish > ~/.config/fish/completions/otp.fish",
        ]) + '\nEntry names complete only while a session is unlocked (`eval "$(otp unlock)"`).\n',
      );
    action(completion, () =>
      import("./commands/completion.js").then((m) => ({
        run: (ctx: Ctx, shell: string | undefined, opts: Parameters<typeof m.run>[2]) =>
          m.run(ctx, shell, opts, () => buildProgram(version, makeCtx)),
      })),
    );
  }

  if (word !== undefined && root.commands.length === 0) return buildProgram(version, makeCtx);
  root.makeCtx = makeCtx;
  return root;
}

/** argv's first operand (the command word), skipping the root's options and their values. */
function commandWord(root: Command, argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return undefined;
    if (!arg.startsWith("-")) return arg;
    const option = root.options.find((o) => o.long === arg || o.short === arg);
    // As commander reads them: a required value is the next word whatever it is, an optional
    // one only when it does not start with "-".
    if (option?.required || (option?.optional && !argv[i + 1]?.startsWith("-"))) i++;
  }
  return undefined;
}

/** Backups, restore, the recovery key, recovery codes, passwd and audit. */
function addSafetyCommands<G extends OptionValues>(program: Cmd<[], G>, want: (...names: string[]) => boolean): void {
  if (want("backup")) {
    const backup = action(
      withTypoHints(program.command("backup"), (w) => `to write a backup named ${w}, give it as ./${w}`)
        .argument("[file]", "where to write it (default: otp-backup-DATE.otp here)")
        .description("write an encrypted backup of the vault, then read it back and check it")
        .option("--backup-password-file <file>", "protect it with its own password, from the first line of FILE")
        .option("--new-backup-password", "protect it with its own password, asked twice")
        .option("--force", "overwrite FILE")
        .addHelpText(
          "after",
          examples([
            "otp backup                                  otp-backup-2026-05-01.otp here, under the vault password",
            "otp backup /media/usb/otp.otp               on a USB stick",
            "otp backup --new-backup-password off.otp    under a password of its own",
            "otp backup verify /media/usb/otp.otp        check any backup",
          ]),
        ),
      () => import("./commands/backup/backup.js"),
    );
    action(
      backup
        .command("verify")
        .argument("<file>", "the backup")
        .description("check a backup: it opens and every entry gives a code")
        .option("--backup-password-file <file>", "its password, from the first line of FILE (else the vault's is tried, then asked)")
        .option("--json", "the result as JSON")
        .addHelpText("after", examples(["otp backup verify otp-backup-2026-05-01.otp"])),
      // `backup` has an option of the same name, and commander gives it the value wherever it stands.
      () =>
        import("./commands/backup/verify.js").then((m) => ({
          run: (ctx: Ctx, file: string, o: Parameters<typeof m.run>[2]) => m.run(ctx, file, { ...backup.opts(), ...o }),
        })),
    );
  }

  if (want("restore"))
    action(
      program
        .command("restore")
        .argument("<file>", "a backup made by `otp backup`")
        .description("bring back a backup's entries (merged into the vault, or --replace)")
        .option(
          "--backup-password-file <file>",
          "the backup's password, from the first line of FILE (else the vault's is tried, then asked)",
        )
        .option("--replace", "replace the vault's entries by the backup's (the old vault stays a snapshot)")
        .option("-y, --yes", "do not ask before --replace")
        .option("--dry-run", "show what would change; change nothing")
        .addHelpText(
          "after",
          examples([
            "otp restore otp-backup-2026-05-01.otp            merge: adds what the vault lacks, keeps both on a conflict",
            "otp restore --dry-run old.otp                    see first",
            "otp restore --replace --yes old.otp              the vault becomes the backup",
            "otp restore /media/usb/otp.otp                   no vault yet (new laptop): the backup becomes the vault",
          ]),
        ),
      () => import("./commands/backup/restore.js"),
    );

  if (want("passwd"))
    action(
      program
        .command("passwd")
        .description("change the vault password (entries and recovery key untouched; sessions end)")
        .option("--new-password-file <file>", "the new password, from the first line of FILE (else asked twice)")
        .addHelpText("after", examples(["otp passwd", 'eval "$(otp unlock --recovery-key)"; otp passwd    # forgot the password'])),
      () => import("./commands/passwd.js"),
    );

  if (want("recovery-key")) {
    const recoveryKey = program
      .command("recovery-key")
      .description("the vault's printed recovery key")
      .addHelpText("after", examples(["otp recovery-key new"]));
    action(
      recoveryKey
        .command("new")
        .description("make a new recovery key (the old one stops working) and print it once")
        .option("-y, --yes", "do not ask before replacing the old key")
        .addHelpText("after", examples(["otp recovery-key new", "otp recovery-key new --yes > key.txt"])),
      () => import("./commands/recovery/key-new.js"),
    );
  }

  if (want("recovery")) {
    const recovery = program
      .command("recovery")
      .description("one-time recovery codes kept beside an entry's seed")
      .addHelpText(
        "after",
        examples([
          "otp recovery add github < github-recovery-codes.txt",
          "otp recovery list github",
          "otp recovery use github",
          "otp recovery remove github --used",
        ]),
      );
    action(
      recovery
        .command("add")
        .argument("<query>")
        .description("keep the site's recovery codes with the entry")
        .option("--file <file>", "read the codes from FILE (- for standard input)")
        .option("--replace", "drop the codes kept so far (the site made new ones)")
        .addHelpText(
          "after",
          examples([
            "otp recovery add github                 paste them, one per line or separated by spaces",
            "otp recovery add github --file github-recovery-codes.txt",
            "otp recovery add google --replace < codes.txt",
          ]),
        ),
      () => import("./commands/recovery/add.js"),
    );
    action(
      recovery
        .command("list")
        .argument("<query>")
        .description("the entry's recovery codes (masked unless --reveal), used ones marked")
        .option("--reveal", "show the codes")
        .option("--json", "as JSON")
        .addHelpText("after", examples(["otp recovery list github", "otp recovery list github --reveal"])),
      () => import("./commands/recovery/list.js"),
    );
    action(
      recovery
        .command("use")
        .argument("<query>")
        .description("print one unused recovery code and mark it used")
        .addHelpText("after", examples(["otp recovery use github"])),
      () => import("./commands/recovery/use.js"),
    );
    action(
      recovery
        .command("remove")
        .argument("<query>")
        .description("drop the entry's recovery codes (asks first), or only the used ones")
        .option("--used", "only the used ones")
        .option("-y, --yes", "do not ask")
        .addHelpText("after", examples(["otp recovery remove github --used", "otp recovery remove github --yes"])),
      () => import("./commands/recovery/remove.js"),
    );
  }

  if (want("audit"))
    action(
      program
        .command("audit")
        .description("what could cost you an account, and what to do (exit 1 when anything is found)")
        .option("--json", "the findings as JSON")
        .addHelpText("after", examples(["otp audit", "otp audit --json | jq -r '.findings[].fix'"])),
      () => import("./commands/audit.js"),
    );
}
