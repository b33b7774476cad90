import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Unit tests: pure logic, next to the code as *.test.ts, plus tests/unit.
export default defineConfig({
  // Compiles runes in *.svelte.ts, so UI state classes are tested as they run in the page.
  plugins: [svelte()],
  test: {
    include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
