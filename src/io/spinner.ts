// A spinner on standard error while slow synchronous work runs (Argon2id blocks the
// main thread, so no timer of ours could fire): a worker thread waits `delayMs` and only then
// draws, so fast work shows nothing. Stopping is synchronous: the worker clears its line
// before stop() returns, so the next message starts on a clean line. Loaded only on a terminal.
import { createRequire } from "node:module";
import { programPath } from "./programs/locate.js";

const load: NodeJS.Require = typeof require === "function" ? require : createRequire(import.meta.url);

/** Starts the spinner; the returned function stops it (and has cleared its line when it returns). */
export function startSpinner(message: string, delayMs = 300): () => void {
  const { Worker } = load("node:worker_threads") as typeof import("node:worker_threads");
  const sab = new SharedArrayBuffer(12);
  const flag = new Int32Array(sab);
  // flag[0]: 1 = stop; flag[1]: 1 = the worker is running; flag[2]: 1 = the worker is done (programs/spinner-worker.ts)
  const worker = new Worker(programPath("spinner-worker"), { workerData: { sab, message, delayMs }, stdout: false, stderr: false });
  worker.unref();
  return () => {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    // A worker that has not started yet will see the stop flag and draw nothing: no need to wait.
    if (Atomics.load(flag, 1) === 1) Atomics.wait(flag, 2, 0, 500);
    void worker.terminate();
  };
}

/** Runs fn with a spinner on stderr when `on` (stderr is a terminal), shown only past delayMs. */
export async function withSpinner<T>(on: boolean, message: string, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const stop = startSpinner(message);
  try {
    return await fn();
  } finally {
    stop();
  }
}
