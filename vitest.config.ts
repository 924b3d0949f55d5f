import { defineConfig } from "vitest/config";

// Four layers, fastest first (README "Development"): unit (pure functions), cli (commands run in
// process), e2e (the built CLI in a temporary HOME, with the real tools), tty (real terminals in
// tmux). `npm test` runs them all; `npm run test:unit` and friends run one.
const layer = (name: string) => ({ extends: true, test: { name, include: [`test/${name}/**/*.test.ts`] } });

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // e2e and tmux tests spawn many processes; two cores here, so keep the fan-out modest.
    maxWorkers: 2,
    passWithNoTests: true,
    projects: [layer("unit"), layer("cli"), layer("e2e"), layer("tty")],
  },
});
