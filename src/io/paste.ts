// Pasting several lines at a terminal (recovery codes): lines are read until an empty line or
// Ctrl-D, with the prompt on standard error; Ctrl-C is InterruptedError (exit 130).
import { InterruptedError } from "../core/errors.js";

export async function askLines(message: string): Promise<string> {
  const { createInterface } = await import("node:readline");
  process.stderr.write(`${message}\n`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true, prompt: "> " });
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let interrupted = false;
    rl.on("line", (line) => {
      if (line.trim() === "") rl.close();
      else {
        lines.push(line);
        rl.prompt();
      }
    });
    rl.on("SIGINT", () => {
      interrupted = true;
      rl.close();
    });
    rl.on("close", () => (interrupted ? reject(new InterruptedError()) : resolve(lines.join("\n"))));
    rl.prompt();
  });
}
