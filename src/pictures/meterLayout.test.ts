import { describe, expect, it } from 'vitest';
import { arcPath, arcPoint, gauge, goalValue, niceCeil, pidSlots, quotaPercent } from './meterLayout';

describe('the cgroup gauges', () => {
  it('put the limit at 80 % of the arc, so a value reaching it touches the line', () => {
    const g = gauge(16 * 2 ** 20, 16 * 2 ** 20);
    expect(g.limit).toBeCloseTo(0.8);
    expect(g.value).toBeCloseTo(0.8);
    expect(g.full).toBe(true);
    expect(gauge(2 ** 20, 16 * 2 ** 20).full).toBe(false);
  });

  it('scale to the goal’s limit too, so both lines fit', () => {
    const g = gauge(1, 32, 64);
    expect(g.goal).toBeCloseTo(0.8);
    expect(g.limit).toBeCloseTo(0.4);
  });

  it('without a limit, scale to the value’s magnitude (powers of two for bytes)', () => {
    expect(gauge(300_000, null, null, true).scale).toBe(2 ** 19);
    expect(gauge(30, null).scale).toBe(50);
    expect(niceCeil(0)).toBe(1);
    expect(gauge(0, null).value).toBe(0);
  });

  it('leaves an unlimited gauge empty instead of inventing a share, unless the machine gives a ceiling', () => {
    const mem = gauge(45_000, null, null, true);
    expect(mem.unbounded).toBe(true);
    expect(mem.value).toBe(0);
    const cpu = gauge(25, null, null, false, 100);
    expect(cpu.unbounded).toBe(false);
    expect(cpu.value).toBeCloseTo(0.25);
    expect(gauge(1, 32).unbounded).toBe(false);
  });

  it('draws the arc from the left over the top to the right', () => {
    const left = arcPoint(50, 50, 40, 0);
    expect(left.x).toBeCloseTo(10);
    expect(left.y).toBeCloseTo(50);
    const top = arcPoint(50, 50, 40, 0.5);
    expect(top.x).toBeCloseTo(50);
    expect(top.y).toBeCloseTo(10);
    expect(arcPath(50, 50, 40, 0, 1)).toBe('M10.00,50.00 A40,40 0 0 1 90.00,50.00');
  });
});

describe('pids.max as slots', () => {
  it('one slot per allowed process, filled by the processes running', () => {
    expect(pidSlots(7, 10)).toEqual({ count: 10, filled: 7, goalOnly: 0, columns: 10 });
    expect(pidSlots(40, 20)!.filled).toBe(20);
  });
  it('the goal’s extra slots dashed; too many to count, or no limit: a gauge instead', () => {
    expect(pidSlots(1, 5, 8)).toEqual({ count: 8, filled: 1, goalOnly: 3, columns: 8 });
    expect(pidSlots(3, null)).toBeNull();
    expect(pidSlots(3, 4096)).toBeNull();
  });
});

describe('CPU quota and goals', () => {
  it('reads cpu.max as a share of one CPU, goals in the meter’s unit', () => {
    expect(quotaPercent(50_000, 100_000)).toBe(50);
    expect(quotaPercent(null, 100_000)).toBeNull();
    expect(goalValue('cpu.max', '25000 100000')).toBe(25);
    expect(goalValue('memory.max', '33554432')).toBe(33554432);
    expect(goalValue('pids.max', 'max')).toBeNull();
  });
});
