import { describe, expect, it } from 'vitest';
import { phases } from './bootTimeline';

describe('the start-up timeline', () => {
  it('orders the marks by time, each phase lasting from the mark before it', () => {
    const t = phases({ html: 40, 'page-main': 90, 'state-fetched': 300, 'wasm-compiled': 250, 'prompt-drawn': 700.4 });
    expect(t).toEqual([
      { phase: 'HTML received', at: 40, ms: 40 },
      { phase: 'main chunk running', at: 90, ms: 50 },
      { phase: 'v86 wasm compiled', at: 250, ms: 160 },
      { phase: 'state fetched', at: 300, ms: 50 },
      { phase: 'prompt drawn', at: 700, ms: 400 },
    ]);
  });

  it('leaves out marks it does not know, and phases that were not reached (a cold boot fetches no state)', () => {
    const t = phases({ html: 10, 'worker-script': 100, 'console-prompt': 3000, 'echo-ok': 3100 });
    expect(t.map((p) => p.phase)).toEqual(['HTML received', 'worker script running', 'kernel booted to the prompt']);
  });
});
