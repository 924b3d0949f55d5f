// Entry point: argv → program → run. The only place that reads process.argv or sets the
// exit code; every error ends here as one "otp: error: …" line and its exit code.
import { CommanderError } from "commander";
import { buildProgram } from "./program.js";
import { EXIT, exitCodeFor, printError } from "./output.js";
import { installSignalHandlers } from "../io/signals.js";

declare const OTP_VERSION: string | undefined;
const version = typeof OTP_VERSION === "string" ? OTP_VERSION : "0.0.0-dev";

async function main(argv: string[]): Promise<number> {
  installSignalHandlers((sig) => {
    process.stderr.write("otp: interrupted\n");
    process.exit(sig === "SIGTERM" ? EXIT.terminated : EXIT.interrupted);
  });
  const program = buildProgram(version);
  program.exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(`otp: ${s.trim()}\n`),
  });
  if (argv.length === 0) {
    // TODO(#5): on a terminal this opens the live view.
    process.stdout.write(program.helpInformation());
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
    printError((s) => process.stderr.write(s), err, process.env.OTP_DEBUG === "1");
    return exitCodeFor(err);
  }
}

void main(process.argv.slice(2)).then((code) => {
  // Leave once stdout has drained (a pipe may be slow), even if a prompt left stdin open.
  process.stdout.write("", () => process.exit(code));
});
