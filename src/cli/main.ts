// Entry point: the process around one run (cli/run.ts). The only place that reads process.argv
// or sets the exit code.
import { installSignalHandlers } from "../io/signals.js";
import { isTerminal, stdoutStreamUsed, writeStdout } from "../io/terminal.js";
import { createCtx } from "./context.js";
import { colorOn } from "./help-style.js";
import { EXIT } from "./output.js";
import { runCli } from "./run.js";

declare const OTP_VERSION: string | undefined;
const version = typeof OTP_VERSION === "string" ? OTP_VERSION : "0.0.0-dev";

installSignalHandlers((sig) => {
  process.stderr.write("otp: interrupted\n");
  process.exit(sig === "SIGTERM" ? EXIT.terminated : EXIT.interrupted);
});
const argv = process.argv.slice(2);
void runCli(
  argv,
  {
    makeCtx: createCtx,
    out: (s) => writeStdout(s),
    err: (s) => void process.stderr.write(s),
    color: (fd) => colorOn(fd, argv, process.env),
    interactive: argv.length === 0 && isTerminal(0) && isTerminal(1),
    debug: process.env.OTP_DEBUG === "1",
  },
  version,
).then((code) => {
  // stdout was written synchronously, unless a full non-blocking pipe sent the rest through the
  // stream: then leave once it has drained. Exiting at once also ends a stdin a prompt left open.
  if (stdoutStreamUsed()) process.stdout.write("", () => process.exit(code));
  else process.exit(code);
});
