import { describe, expect, it } from 'vitest';
import type { Failure } from './checks';
import { describeFailure, sayFailure } from './difference';
import type { Prediction } from './lessonBundle';
import { matches, patternProblem } from './patterns';
import { pictureGoals } from './pictureGoal';
import { isRightAnswer } from './prediction';

const t = (key: string, p?: Record<string, string | number>) =>
  `${key}${p ? JSON.stringify(p) : ''}`.replace('check.diff', `${p?.what}: want ${p?.want}, found ${p?.found}`);

describe('the goal a picture draws, from the exercise check', () => {
  it('finds the cgroup limit, the layer change, the namespace sharing, the network and the registry tag', () => {
    expect(
      pictureGoals({
        all: [
          { container: 'quota', cgroup: { 'memory.max': '50331648', 'pids.current': '/^[1-5]$/' } },
          { container: 'patch', layer: { path: '/etc/passwd', change: 'copied-up' } },
          { container: 'peek', namespace: { kind: 'net', shared: true } },
          { container: 'client8', network: 'lab8' },
          { registry: 'student/quote:v1', sameAs: 'student/quote:v1' },
        ],
      }),
    ).toEqual([
      { picture: 'cgroupMeters', container: 'quota', file: 'memory.max', value: '50331648' },
      { picture: 'layerStack', container: 'patch', path: '/etc/passwd', expect: 'copied-up' },
      { picture: 'namespaceTree', kind: 'net', shared: ['peek', 'host'], container: 'peek' },
      { picture: 'networkDiagram', container: 'client8', network: 'lab8' },
      { picture: 'registryTransfer', repository: 'student/quote', tag: 'v1' },
    ]);
  });

  it('draws nothing for alternatives or what must not be', () => {
    expect(pictureGoals({ any: [{ container: 'a', network: 'x' }] })).toEqual([]);
    expect(pictureGoals({ not: { container: 'a', network: 'x' }, because: { en: 'x', zh: 'x' } })).toEqual([]);
  });
});

describe('a difference in words', () => {
  it('says what, want and found; an sh check says its because with the found value', () => {
    const f: Failure = {
      what: { key: 'check.what.cgroup', params: { name: 'q', file: 'memory.max' } },
      want: '1',
      found: 'max',
    };
    expect(describeFailure(f, 'en', t)).toEqual({
      what: 'check.what.cgroup{"name":"q","file":"memory.max"}',
      want: '1',
      found: 'max',
    });
    const because: Failure = {
      what: { key: 'check.what.sh' },
      want: '',
      found: '4.19',
      because: { en: 'the file holds {{found}}', zh: '文件里是 {{found}}' },
    };
    expect(sayFailure(because, 'zh', t)).toBe('文件里是 4.19');
  });
});

describe('patterns and predictions', () => {
  it('matches exact text trimmed, or a bounded regex; refuses catastrophic patterns', () => {
    expect(matches('demo', ' demo\n')).toBe(true);
    expect(matches('/^[0-9]{12}$/', '123456789012')).toBe(true);
    expect(patternProblem('/(a+)+$/')).toMatch(/backtrack/);
    expect(matches('/(a+)+$/', 'aaaa')).toBe(false);
    expect(patternProblem('/x/g')).toMatch(/flags/);
  });

  it('takes a typed answer in any case and a choice by its index', () => {
    const typed = { id: 'p', question: { en: '', zh: '' }, answer: '137', explain: { en: '', zh: '' } } as Prediction;
    expect(isRightAnswer(typed, ' 137 ')).toBe(true);
    expect(isRightAnswer(typed, '143')).toBe(false);
    const choice = { ...typed, choices: { en: ['a', 'b'], zh: ['甲', '乙'] }, answer: 1 } as Prediction;
    expect(isRightAnswer(choice, 1)).toBe(true);
    expect(isRightAnswer(choice, 0)).toBe(false);
  });
});
