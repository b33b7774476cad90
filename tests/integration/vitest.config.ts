import { defineConfig } from 'vitest/config';

// Integration tests boot the real guest image in v86 under Node. Each file
// gets its own machine; files run one at a time because each emulator keeps a
// core busy, and two cores are all a CI machine has.
export default defineConfig({
  test: {
    include: ['tests/integration/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
