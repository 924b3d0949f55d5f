// Entry point: argv → program → run. The only place that reads process.argv or sets the
// exit code; every error ends here as one "otp: error: …" line and its exit code.
import { CommanderError, type Command } from "commander";
import { OtpError } from "../core/errors.js";
import { buildProgram } from "./program.js";
import { EXIT, exitCodeFor, printError } from "./output.js";
import { installSignalHandlers } from "../io/signals.js";
import { colorOn, commanderError, helpStyles } from "./help-style.js";
import { clearProgress } from "./progress.js";
import { isTerminal, stdoutStreamUsed, writeStdout } from "../io/terminal.js";

declare const OTP_VERSION: string | undefined;
const version = typeof OTP_VERSION === "string" ? OTP_VERSION : "0.0.0-dev";

async function main(argv: string[]): Promise<number> {
  installSignalHandlers((sig) => {
    process.stderr.write("otp: interrupted\n");
    process.exit(sig === "SIGTERM" ? EXIT.terminated : EXIT.interrupted);
  });
  const program = buildProgram(version);
  // Commands copy these settings when they are created, inside buildProgram: set them on
  // every command, or a command's own usage errors exit 1 without the `otp: ` prefix.
  const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
  for (const c of everyCommand(program))
    c.exitOverride().configureHelp(helpStyles).configureOutput({
      writeOut: (s) => writeStdout(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(commanderError(s, c)),
      getOutHasColors: () => colorOn(1, argv, process.env),
      getErrHasColors: () => colorOn(2, argv, process.env),
    });
  if (argv.length === 0) {
    // On a terminal `otp` alone is the live view; elsewhere (a script, a pipe) the help.
    if (isTerminal(0) && isTerminal(1)) argv = ["watch"];
    else {
      program.outputHelp();
      return EXIT.ok;
    }
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
    printError((s) => process.stderr.write(s), err, process.env.OTP_DEBUG === "1");
    return exitCodeFor(err);
  }
}

void main(process.argv.slice(2)).then((code) => {
  // stdout was written synchronously, unless a full non-blocking pipe sent the rest through the
  // stream: then leave once it has drained. Exiting at once also ends a stdin a prompt left open.
  if (stdoutStreamUsed()) process.stdout.write("", () => process.exit(code));
  else process.exit(code);
});
