// One run of otp: argv → program → a command → an exit code. Every error ends here as one
// "otp: error: …" line and its exit code. The process (cli/main.ts) hands it the real host;
// the command tests (test/cli) hand it one with a fake world and captured output.
import { CommanderError, type Command } from "commander";
import { OtpError } from "../core/errors.js";
import { buildProgram, type MakeCtx } from "./program.js";
import { EXIT, exitCodeFor, printError } from "./output.js";
import { commanderError, helpStyles } from "./help-style.js";
import { clearProgress } from "./progress.js";

export interface Host {
  /** the Ctx each command gets */
  makeCtx: MakeCtx;
  /** help and version text (stdout) */
  out(text: string): void;
  /** errors (stderr) */
  err(text: string): void;
  /** whether help on stdout (1) or stderr (2) is coloured */
  color(fd: 1 | 2): boolean;
  /** `otp` alone: the live view on a terminal, else the help */
  interactive: boolean;
  /** OTP_DEBUG=1: errors with their stack */
  debug: boolean;
}

export async function runCli(argv: string[], host: Host, version: string): Promise<number> {
  // On a terminal `otp` alone is the live view; elsewhere (a script, a pipe) the help.
  if (argv.length === 0 && host.interactive) argv = ["watch"];
  const program = buildProgram(version, host.makeCtx, argv);
  // Commands copy these settings when they are created, inside buildProgram: set them on
  // every command, or a command's own usage errors exit 1 without the `otp: ` prefix.
  const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
  for (const c of everyCommand(program))
    c.exitOverride()
      .configureHelp(helpStyles)
      .configureOutput({
        writeOut: (s) => host.out(s),
        writeErr: (s) => host.err(s),
        outputError: (s, write) => write(commanderError(s, c)),
        getOutHasColors: () => host.color(1),
        getErrHasColors: () => host.color(2),
      });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof OtpError && err.kind === "broken-pipe") return EXIT.failed;
    clearProgress();
    printError(host.err, err, host.debug);
    return exitCodeFor(err);
  }
}
