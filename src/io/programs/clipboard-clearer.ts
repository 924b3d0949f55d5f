// The detached helper that clears the clipboard later (io/clipboard.ts starts it, from
// dist/clipboard-clearer.cjs, as `node clipboard-clearer.cjs CONFIG`): CONFIG (argv) holds a
// marker, the delay and the tools' argv, never the text, which comes on standard input. After the
// delay it reads the clipboard and clears it only if it still holds exactly our text, so
// something the user copied meanwhile is left alone.
import { spawn } from "node:child_process";

type Argv = string[];
const [, delayMs, paste, clear, copy] = JSON.parse(process.argv[2] ?? "[]") as [string, number, Argv, Argv | null, Argv];

function run(argv: Argv, input: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    c.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    c.on("error", () => resolve({ code: 1, out: "" }));
    c.on("exit", (code) => setImmediate(() => resolve({ code, out })));
    c.stdin.on("error", () => undefined);
    c.stdin.end(input);
    setTimeout(() => c.kill("SIGKILL"), 5000).unref();
  });
}

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d: string) => (text += d));
process.stdin.on("end", () =>
  setTimeout(async () => {
    const now = await run(paste, "");
    if (now.code === 0 && (now.out === text || now.out === text + "\n")) await run(clear ?? copy, "");
    process.exit(0);
  }, delayMs),
);
