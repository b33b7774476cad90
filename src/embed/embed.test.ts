import { describe, expect, it } from 'vitest';
import { EmbedBridge, SOURCE } from './embedBridge';
import { parseEmbedParams } from './embedParams';

describe('embed parameters', () => {
  it('reads lesson, step (from 1), language, panes and origins, dropping what is not valid', () => {
    const p = parseEmbedParams(
      '?lesson=03-namespaces&step=2&lang=zh&panes=terminal,viz,bogus&origins=https://Course.Example:443/page,javascript:alert(1),http://127.0.0.1:8090',
      ['https://site.example'],
    );
    expect(p).toMatchObject({ lesson: '03-namespaces', step: 1, lang: 'zh' });
    expect([...p.panes]).toEqual(['terminal', 'viz']);
    expect(p.origins).toEqual(['https://site.example', 'https://course.example', 'http://127.0.0.1:8090']);
    expect(parseEmbedParams('?step=0&lang=fr')).toMatchObject({ step: 0, lang: null, origins: [] });
  });
});

describe('the embed bridge', () => {
  const setup = () => {
    const posted: [unknown, string][] = [];
    const calls: string[] = [];
    const bridge = new EmbedBridge(['https://course.example'], (m, o) => posted.push([m, o]), {
      goToStep: (s) => calls.push(`step ${s}`),
      runCommand: (c) => calls.push(`run ${c}`),
      reset: () => calls.push('reset'),
    });
    return { bridge, posted, calls };
  };

  it('obeys an allowed origin and ignores every other, and malformed messages', () => {
    const { bridge, calls } = setup();
    expect(bridge.receive({ origin: 'https://course.example', data: { type: 'run-command', command: 'ls' } })).toBe(
      true,
    );
    expect(bridge.receive({ origin: 'https://course.example', data: { type: 'go-to-step', step: 3 } })).toBe(true);
    expect(bridge.receive({ origin: 'https://evil.example', data: { type: 'run-command', command: 'rm -rf /' } })).toBe(
      false,
    );
    expect(bridge.receive({ origin: 'https://course.example', data: { type: 'go-to-step', step: 0 } })).toBe(false);
    expect(bridge.receive({ origin: 'https://course.example', data: 'reset' })).toBe(false);
    expect(calls).toEqual(['run ls', 'step 2']);
    expect(bridge.ignored).toEqual({ origin: 1, shape: 2 });
  });

  it('reports only to allowed origins', () => {
    const { bridge, posted } = setup();
    bridge.emit({ type: 'exercise-passed', lesson: 'l', exercise: 'e' });
    expect(posted).toEqual([
      [{ type: 'exercise-passed', lesson: 'l', exercise: 'e', source: SOURCE }, 'https://course.example'],
    ]);
  });
});
