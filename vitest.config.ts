import { defineConfig } from 'vitest/config';

// Unit tests: pure logic, next to the code as *.test.ts, plus tests/unit.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
