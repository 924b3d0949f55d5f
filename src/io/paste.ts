// Pasting several lines at a terminal (recovery codes): lines are read until an empty line or
// Ctrl-D, with the prompt on standard error; Ctrl-C is InterruptedError (exit 130).
import { InterruptedError } from "../core/errors.js";
import { loadPackage } from "../core/load.js";
import { escapeForTerminal } from "../core/text.js";

export async function askLines(message: string): Promise<string> {
  // loadPackage, not import(): see core/load.ts (the bundle's code cache)
  const { createInterface } = await loadPackage<typeof import("node:readline")>("node:readline");
  process.stderr.write(`${escapeForTerminal(message)}\n`);
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
