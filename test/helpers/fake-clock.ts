// A fake clock for waits that are otp's own (the lock's tries, its stale times): it moves only
// while a fake timer is pending, that is while the code under test sleeps; real work, such as
// the KDF or file I/O, runs in real time meanwhile. So a 12 s wait passes in milliseconds, and
// the fake time it took says how long the code waited.
import { vi } from "vitest";

/** Runs `start()` on the fake clock; returns what it gave (or throws what it threw) and the fake time taken, in ms. */
export async function onFakeClock<T>(start: () => Promise<T>): Promise<{ result: T; elapsed: number }> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "performance"] });
  try {
    const started = performance.now();
    let done = false;
    const run = start().finally(() => (done = true));
    run.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    while (!done) {
      await new Promise((r) => setImmediate(r));
      if (!done && vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    }
    const elapsed = performance.now() - started;
    return { result: await run, elapsed };
  } finally {
    vi.useRealTimers();
  }
}
