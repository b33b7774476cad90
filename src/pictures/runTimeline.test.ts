import { describe, expect, it } from 'vitest';
import { START_RECORD } from './fixtures/startRecord';
import { reasonOf, WHY } from '../engine/runtime/containerPlan';
import en from '../i18n/en.json';
import zh from '../i18n/zh.json';
import { sequenceLayout, shortPath, stepProbe, tickStep, timelineLayout } from './runTimeline';

describe('the docker-run timeline', () => {
  const t = timelineLayout(START_RECORD, 560, 112);

  it('places each step at its guest start time, as long as it took, one row each', () => {
    expect(t.bars).toHaveLength(START_RECORD.steps.length);
    const scale = (560 - 112 - 8) / START_RECORD.guestMs;
    const net = t.bars.find((b) => b.kind === 'network')!;
    expect(net.x).toBeCloseTo(112 + 30 * scale);
    expect(net.w).toBeCloseTo(41 * scale);
    expect(t.bars.map((b) => b.y)).toEqual(t.bars.map((_, i) => 4 + i * 22));
    // A step shorter than a pixel can still be seen and clicked.
    expect(Math.min(...t.bars.map((b) => b.w))).toBeGreaterThanOrEqual(3);
    expect(t.bars.at(-1)!.x + t.bars.at(-1)!.w).toBeLessThanOrEqual(560);
  });

  it('adds the steps up against the guest run and the whole start', () => {
    expect(t.stepsMs).toBe(109);
    expect(t.guestMs).toBe(112);
    expect(t.totalMs).toBe(160);
  });

  it("with the daemon's parts known, draws the whole start: the daemon, the guest's steps, the daemon", () => {
    const r = { ...START_RECORD, host: { beforeMs: 28, afterMs: 19 } };
    const w = timelineLayout(r, 560, 112);
    expect(w.bars).toHaveLength(START_RECORD.steps.length + 2);
    expect(w.bars[0]).toMatchObject({ host: 'before', kind: 'daemon', startMs: 0, ms: 28, x: 112 });
    expect(w.bars.at(-1)).toMatchObject({ host: 'after', kind: 'daemon', startMs: 28 + 112, ms: 19 });
    const scale = (560 - 112 - 8) / 160;
    // The guest's steps move right by the daemon's first part; the scale is the whole start's.
    expect(w.bars.find((b) => b.kind === 'network')!.x).toBeCloseTo(112 + (28 + 30) * scale);
    // 28 + 109 + 19 against 160: what the channel's jitter leaves unexplained shows as the difference.
    expect(w.stepsMs).toBe(156);
    expect(w.totalMs).toBe(160);
    expect(w.bars.filter((b) => stepProbe(b) !== null).every((b) => !b.host)).toBe(true);
  });

  it('ticks every 1, 2 or 5 × 10ⁿ ms', () => {
    expect(tickStep(112)).toBe(50);
    expect(tickStep(9)).toBe(2);
    expect(tickStep(3000)).toBe(1000);
    expect(t.ticks.map((k) => k.ms)).toEqual([0, 50, 100]);
  });

  it('draws the run as CLI → API → engine → guest messages, the plan inside the start request', () => {
    const s = sequenceLayout(START_RECORD);
    expect(s.messages.map((m) => `${m.from}>${m.to} ${m.label}`)).toEqual([
      'cli>api POST /containers/create',
      'api>engine create',
      'engine>api ',
      'api>cli 201 · 21 ms',
      'cli>api POST /containers/3f2a9c0d1e4b/start',
      'api>engine start',
      'engine>guest plan: 8 steps',
      'guest>engine pid 1 running · 112 ms',
      'engine>api 160 ms',
      'api>cli 204 · 160 ms',
    ]);
    expect(s.messages.filter((m) => m.reply).every((m) => m.label !== 'start')).toBe(true);
    expect(shortPath('/v1.43/containers/' + 'a'.repeat(64) + '/wait?condition=next-exit')).toBe(
      '/containers/aaaaaaaaaaaa/wait?condition=next-exit',
    );
  });

  it('reads what a step made, with every path quoted', () => {
    const [mkdir, , , mount, , write, net, start] = START_RECORD.steps;
    expect(stepProbe(mkdir!)).toMatch(/^if \[ -d \/var\/lib\/docker\/overlay2\/3f2a\S+\/diff \]/);
    expect(stepProbe(write!)).toContain('/memory.max ]');
    expect(stepProbe(mount!)).toMatch(/^grep -F -- ' \/var\/lib\/docker\/overlay2\/\S+\/merged ' \/proc\/mounts/);
    expect(stepProbe(net!)).toBeNull();
    expect(stepProbe(start!)).toBeNull();
    expect(stepProbe({ kind: 'mkdir', detail: "/tmp/it's here" })).toContain(`'/tmp/it'\\''s'`);
  });

  it("says every reason of the engine's plan in both languages, the English being the plan's own words", () => {
    for (const key of Object.keys(WHY) as (keyof typeof WHY)[]) {
      expect(reasonOf(WHY[key])).toBe(key);
      expect(en.pictures.run.why[key]).toBe(WHY[key]);
      expect(zh.pictures.run.why[key]).toMatch(/\S/);
    }
    expect(reasonOf('something the engine never says')).toBeUndefined();
  });
});
