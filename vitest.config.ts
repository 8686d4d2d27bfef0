import { defineConfig } from 'vitest/config';

// One run covers unit, integration (real servers on 127.0.0.1) and end-to-end
// (real Chromium) tests; `scripts/test.mjs` runs type-check and lint before it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: keep parallelism low so timing-sensitive integration tests stay honest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
