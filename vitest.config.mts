import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["js/**/*.test.ts", "tests/js/**/*.test.ts"],
    environment: "jsdom",
    // A hang guard, not a speed check: on a loaded 2-core machine a 1 s test can take 10 s.
    testTimeout: 60_000,
    // outside watch mode vitest runs one worker fewer than the cores: on CI's 2 cores that is one,
    // and the engine's golden replays are CPU-bound; two cut the run's wall time
    maxWorkers: 2,
  },
});
