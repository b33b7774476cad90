import { describe, expect, it } from 'vitest';
import { capabilitiesOf, capabilityDiff, evaluate, type CheckContext, type Failure } from './checks';
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

describe('capabilities as the kernel shows them', () => {
  const say = (fs: Failure[]) =>
    fs.map((f) =>
      [f.what, f.want, f.found].map((s) => (typeof s === 'string' ? s : s.key + JSON.stringify(s.params ?? {}))),
    );

  it("decodes CapEff: Docker's default 14, and every capability of this kernel", () => {
    expect(capabilitiesOf('00000000a80425fb')).toEqual([
      'CHOWN',
      'DAC_OVERRIDE',
      'FOWNER',
      'FSETID',
      'KILL',
      'SETGID',
      'SETUID',
      'SETPCAP',
      'NET_BIND_SERVICE',
      'NET_RAW',
      'SYS_CHROOT',
      'MKNOD',
      'AUDIT_WRITE',
      'SETFCAP',
    ]);
    expect(capabilitiesOf('000001ffffffffff')).toHaveLength(41);
    expect(capabilitiesOf('0000000000000000')).toEqual([]);
  });

  it('says which named capability is held or missing, and what is beyond or short of the default', () => {
    const docker = capabilitiesOf('00000000a80425fb');
    const goal = { has: ['NET_ADMIN'], lacks: ['cap_net_raw'], rest: 'default' as const };
    // --cap-add NET_ADMIN --cap-drop NET_RAW: the goal exactly.
    expect(capabilityDiff('c', [...docker.filter((x) => x !== 'NET_RAW'), 'NET_ADMIN'], goal)).toEqual([]);
    // --cap-add NET_ADMIN alone: NET_RAW still held.
    expect(say(capabilityDiff('c', [...docker, 'NET_ADMIN'], goal))).toEqual([
      ['check.what.capability{"name":"c","cap":"NET_RAW"}', 'check.value.notHeld{}', 'check.value.held{}'],
    ]);
    // --privileged: everything, far beyond the default.
    const all = capabilitiesOf('000001ffffffffff');
    expect(say(capabilityDiff('c', all, goal))).toEqual([
      ['check.what.capability{"name":"c","cap":"NET_RAW"}', 'check.value.notHeld{}', 'check.value.held{}'],
      [
        'check.what.capsExtra{"name":"c"}',
        'check.value.none{}',
        'DAC_READ_SEARCH, LINUX_IMMUTABLE, NET_BROADCAST, IPC_LOCK, IPC_OWNER, SYS_MODULE, … (26)',
      ],
    ]);
    // Within the default: --cap-drop ALL --cap-add SYS_TIME is fine, --cap-add ALL is not.
    const within = { has: ['SYS_TIME'], rest: 'within-default' as const };
    expect(capabilityDiff('c', ['SYS_TIME'], within)).toEqual([]);
    expect(say(capabilityDiff('c', all, within))[0]![0]).toBe('check.what.capsExtra{"name":"c"}');
    // --cap-drop ALL: the default ones are missing too.
    expect(say(capabilityDiff('c', [], { rest: 'default' }))[0]![0]).toBe('check.what.capsMissing{"name":"c"}');
  });
});

describe('all of a goal', () => {
  it('says a difference two parts share once', async () => {
    const restart = { event: { Type: 'container', Action: 'restart', name: 'front' } };
    const ctx = { engine: null, events: [] } as unknown as CheckContext;
    const r = await evaluate({ all: [restart, { event: { ...restart.event, Action: 'start' } }, restart] }, ctx);
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => f.want)).toEqual(['restart', 'start']);
  });
});
