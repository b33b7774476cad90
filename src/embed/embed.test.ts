import { describe, expect, it } from 'vitest';
import { EmbedBridge, SOURCE } from './embedBridge';
import { embedderOrigin, parseEmbedParams } from './embedParams';

describe('embed parameters', () => {
  it('reads lesson, step (from 1), language, panes and origins, dropping what is not valid', () => {
    const p = parseEmbedParams(
      '?lesson=03-namespaces&step=2&lang=zh&panes=terminal,viz,bogus&origins=https://Course.Example:443/page,javascript:alert(1),http://127.0.0.1:8090',
      ['https://site.example'],
      'https://course.example',
    );
    expect(p).toMatchObject({ lesson: '03-namespaces', step: 1, lang: 'zh' });
    expect([...p.panes]).toEqual(['terminal', 'viz']);
    expect(p.origins).toEqual(['https://site.example', 'https://course.example']);
    expect(p.refused).toEqual(['http://127.0.0.1:8090']);
    expect(parseEmbedParams('?step=0&lang=fr')).toMatchObject({ step: 0, lang: null, origins: [] });
  });

  it('honours origins= only for the page that really embeds the frame; embed.json always', () => {
    const url = '?origins=https://attacker.example';
    // A popup or a tab: nobody embeds it, whatever the URL says.
    expect(parseEmbedParams(url, [], null).origins).toEqual([]);
    // Framed by another page than the one the URL names.
    expect(parseEmbedParams(url, [], 'https://course.example').origins).toEqual([]);
    expect(parseEmbedParams(url, ['https://course.example'], null).origins).toEqual(['https://course.example']);
    expect(parseEmbedParams(url, [], 'https://attacker.example').origins).toEqual(['https://attacker.example']);
  });

  it('finds the embedding page from ancestorOrigins, else the referrer, and none for a top-level window', () => {
    const origins = ['https://course.example', 'https://lms.example'];
    expect(embedderOrigin({ framed: true, ancestorOrigins: origins, referrer: 'https://x.example/' })).toBe(
      'https://course.example',
    );
    expect(embedderOrigin({ framed: true, referrer: 'https://course.example/unit/3?x=1' })).toBe(
      'https://course.example',
    );
    expect(embedderOrigin({ framed: true, ancestorOrigins: ['null'] })).toBeNull();
    expect(embedderOrigin({ framed: true, referrer: '' })).toBeNull();
    expect(embedderOrigin({ framed: false, ancestorOrigins: origins, referrer: 'https://course.example/' })).toBeNull();
  });
});

describe('the embed bridge', () => {
  const parent = { name: 'the course page' };
  const setup = (holder: unknown = parent) => {
    const posted: [unknown, string][] = [];
    const calls: string[] = [];
    const bridge = new EmbedBridge(
      ['https://course.example'],
      (m, o) => posted.push([m, o]),
      {
        goToStep: (s) => calls.push(`step ${s}`),
        runCommand: (c) => calls.push(`run ${c}`),
        reset: () => calls.push('reset'),
      },
      holder,
    );
    return { bridge, posted, calls };
  };
  const from = (origin: string, data: unknown, source: unknown = parent) => ({ origin, data, source });

  it('obeys an allowed origin and ignores every other, and malformed messages', () => {
    const { bridge, calls } = setup();
    expect(bridge.receive(from('https://course.example', { type: 'run-command', command: 'ls' }))).toBe(true);
    expect(bridge.receive(from('https://course.example', { type: 'go-to-step', step: 3 }))).toBe(true);
    expect(bridge.receive(from('https://evil.example', { type: 'run-command', command: 'rm -rf /' }))).toBe(false);
    expect(bridge.receive(from('https://course.example', { type: 'go-to-step', step: 0 }))).toBe(false);
    expect(bridge.receive(from('https://course.example', 'reset'))).toBe(false);
    expect(calls).toEqual(['run ls', 'step 2']);
    expect(bridge.ignored).toEqual({ source: 0, origin: 1, shape: 2 });
  });

  it('obeys only the window that holds the frame, even at an allowed origin', () => {
    const { bridge, calls } = setup();
    const opener = { name: 'a page that opened the frame as a popup' };
    expect(bridge.receive(from('https://course.example', { type: 'reset' }, opener))).toBe(false);
    expect(bridge.receive(from('https://course.example', { type: 'reset' }, null))).toBe(false);
    expect(calls).toEqual([]);
    expect(bridge.ignored.source).toBe(2);
  });

  it('in a top-level window obeys nothing and reports nothing', () => {
    const { bridge, calls, posted } = setup(null);
    expect(bridge.receive(from('https://course.example', { type: 'reset' }, null))).toBe(false);
    bridge.emit({ type: 'ready', lesson: null, step: 1 });
    expect(calls).toEqual([]);
    expect(posted).toEqual([]);
  });

  it('reports only to allowed origins', () => {
    const { bridge, posted } = setup();
    bridge.emit({ type: 'exercise-passed', lesson: 'l', exercise: 'e' });
    expect(posted).toEqual([
      [{ type: 'exercise-passed', lesson: 'l', exercise: 'e', source: SOURCE }, 'https://course.example'],
    ]);
  });
});
