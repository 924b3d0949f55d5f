// A hidden prompt (@inquirer/core) whose answer can be checked before the prompt ends: a vault
// password is tried, a pasted secret parsed, while the line reads "[checking…]". Only an answer
// that passed its check is marked ✔; one that failed is marked ✘, and one no check judged keeps
// a neutral mark, so a wrong password never looks accepted. Nothing typed is ever drawn, not
// even as asterisks, and no key reveals it. Keys typed while checking are dropped with the line.
import { styleText } from "node:util";
import { loadPackage } from "../core/load.js";

export interface HiddenConfig {
  message: string;
  /** runs on the answer before the prompt ends; what it returns is the prompt's value; a throw is the prompt's failure */
  check?: (answer: string) => Promise<unknown>;
}

export type HiddenResult = { ok: true; value: unknown } | { ok: false; error: unknown };

type Prompt = (config: HiddenConfig, context: object) => Promise<HiddenResult>;
let made: Prompt | undefined;

const HIDE_CURSOR = "\x1b[?25l";

/** The prompt function, made once (inquirer's core is loaded only when a prompt is asked). */
export async function hiddenPrompt(): Promise<Prompt> {
  if (made) return made;
  const { createPrompt, isEnterKey, makeTheme, usePrefix, useState, useKeypress } =
    await loadPackage<typeof import("@inquirer/core")>("@inquirer/core");
  made = createPrompt<HiddenResult, HiddenConfig>((config, done) => {
    const theme = makeTheme({
      prefix: {
        idle: styleText("blue", "?"),
        done: config.check ? styleText("green", "✔") : styleText("dim", "·"),
        refused: styleText("red", "✘"),
      },
    });
    const [status, setStatus] = useState<string>("idle");
    const [value, setValue] = useState("");
    const prefix = usePrefix({ status, theme });
    useKeypress(async (key, rl) => {
      if (status !== "idle") return;
      if (!isEnterKey(key)) return setValue(rl.line);
      const answer = value;
      setValue("");
      if (!config.check) {
        setStatus("done");
        return done({ ok: true, value: answer });
      }
      setStatus("loading");
      // "[checking…]" reaches the terminal before a KDF blocks the thread.
      await new Promise((r) => setImmediate(r));
      try {
        const checked = await config.check(answer);
        setStatus("done");
        done({ ok: true, value: checked });
      } catch (error) {
        setStatus("refused");
        done({ ok: false, error });
      }
    });
    const message = theme.style.message(config.message, status as "idle");
    if (status === "idle") return `${prefix} ${message} ${theme.style.help("[input is masked]")}${HIDE_CURSOR}`;
    if (status === "loading") return `${prefix} ${message} ${theme.style.help("[checking…]")}${HIDE_CURSOR}`;
    return `${prefix} ${message}`;
  }) as Prompt;
  return made;
}
