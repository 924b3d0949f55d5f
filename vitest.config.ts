import { defineConfig } from "vitest/config";

// Four layers, fastest first (README "Development"): unit (pure functions), cli (commands run in
// process), e2e (the built CLI in a temporary HOME, with the real tools), tty (real terminals in
// tmux). `npm test` runs them all; `npm run test:unit` and friends run one.
//
// unit and cli run their files one after another in each worker without a fresh module graph
// per file (isolate: false): re-importing src/ and the lazy packages (libsodium, zxcvbn, the
// prompts, sharp) per file cost about as much as the tests themselves (back to back on the
// 2-core machine: cli 24 s → 12 s, unit 38 s → 22 s). Safe because these layers keep no state
// between files that they do not already keep between the tests of one file: no vi.mock, fake
// timers are restored in afterEach, and kdf.test.ts resets the module graph it mocked.
// e2e and tty tests spawn processes, so isolation costs them little; they keep it.
const layer = (name: string, more: { isolate?: boolean; include?: string[]; exclude?: string[] } = {}) => ({
  extends: true,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...more },
});
// Tests whose cost is sheer volume are named *.slow.test.ts: `npm test` runs them as the project
// "slow", the quick loop (`npm run test:quick`: unit and cli) leaves them out. In unit: every bit
// of a vault flipped, 16 MiB and 10,000-entry vaults sealed for real (~20 s of CPU); in cli: the
// sync scenarios, each a few dozen real git processes and otp's merge driver (~60 s).
const SLOW = "test/{unit,cli}/**/*.slow.test.ts";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Three workers on the 2-core machine: e2e and tmux tests spend much of their time waiting
    // on the processes they start (otp, git, tmux, Chromium), so a third keeps both cores busy;
    // `npm test`'s vitest took 253 s with two, 226 s with three and 256 s with four.
    maxWorkers: 3,
    passWithNoTests: true,
    projects: [
      layer("unit", { isolate: false, exclude: [SLOW] }),
      layer("slow", { isolate: false, include: [SLOW] }),
      layer("cli", { isolate: false, exclude: [SLOW] }),
      layer("e2e"),
      layer("tty"),
    ],
  },
});
