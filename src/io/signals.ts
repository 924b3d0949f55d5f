// Ctrl-C and SIGTERM: exit at once (130 / 143), except inside a critical section of a write
// (re-read under the lock → rename), where the signal waits until the section ends, so an
// interrupt never lands between snapshot and rename. The vault's lock goes with the process
// (a kernel lock), or is removed by an exit hook (the lock folder, io/vault-lock.ts).
type Sig = "SIGINT" | "SIGTERM";

let depth = 0;
let pending: Sig | null = null;
let onSignal: (sig: Sig) => void = () => undefined;

/** Installs the handlers; `exit` prints and leaves with the signal's exit code. */
export function installSignalHandlers(exit: (sig: Sig) => void): void {
  onSignal = exit;
  const handle = (sig: Sig) => () => {
    if (depth > 0) pending ??= sig;
    else exit(sig);
  };
  process.on("SIGINT", handle("SIGINT"));
  process.on("SIGTERM", handle("SIGTERM"));
  // A file-size limit (ulimit -f) would kill us mid-write; handled, the write fails with EFBIG
  // instead, which the write protocol turns into one line and cleans up after.
  process.on("SIGXFSZ", () => undefined);
}

/** Runs fn with signals deferred until it settles. */
export async function critical<T>(fn: () => Promise<T>): Promise<T> {
  depth++;
  try {
    return await fn();
  } finally {
    depth--;
    if (depth === 0 && pending) onSignal(pending);
  }
}
