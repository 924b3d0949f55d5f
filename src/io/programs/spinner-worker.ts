// The spinner's worker thread (io/spinner.ts starts it, from dist/spinner-worker.cjs): waits
// `delayMs` on a shared flag and only then draws frames on standard error until told to stop,
// then clears its line and says it is done. Argon2id blocks the main thread, so only a
// thread of its own can draw meanwhile. flag[0]: 1 = stop; flag[1]: 1 = running; flag[2]: 1 = done.
import { writeSync } from "node:fs";
import { workerData } from "node:worker_threads";

const { sab, message, delayMs } = workerData as { sab: SharedArrayBuffer; message: string; delayMs: number };
const flag = new Int32Array(sab);
Atomics.store(flag, 1, 1);
const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
let drawn = false;
if (Atomics.wait(flag, 0, 0, delayMs) === "timed-out") {
  for (let i = 0; Atomics.load(flag, 0) === 0; i++) {
    try {
      writeSync(2, `\r${frames[i % frames.length]} ${message}\x1b[K`);
      drawn = true;
    } catch {
      // stderr went away: nothing to draw on
    }
    Atomics.wait(flag, 0, 0, 80);
  }
}
if (drawn) {
  try {
    writeSync(2, "\r\x1b[K");
  } catch {
    // as above
  }
}
Atomics.store(flag, 2, 1);
Atomics.notify(flag, 2);
