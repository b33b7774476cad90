import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, MAX_SHARE, MIN_SHARE, parseLayout, shareAfterKey, shareAt } from './paneLayout';

describe('the pane layout', () => {
  it('gives the Dockerfile editor more width than a lesson by default', () => {
    expect(DEFAULT_LAYOUT.side.build).toBeGreaterThan(DEFAULT_LAYOUT.side.lessons);
  });

  it('reads what was stored, and falls back per value on anything damaged or out of range', () => {
    expect(parseLayout(JSON.stringify({ side: { lessons: 0.33 }, pictures: 0.7, picturesOpen: false }))).toEqual({
      side: { lessons: 0.33, build: DEFAULT_LAYOUT.side.build, preview: DEFAULT_LAYOUT.side.preview },
      pictures: 0.7,
      picturesOpen: false,
    });
    expect(parseLayout('{not json')).toEqual(DEFAULT_LAYOUT);
    expect(parseLayout(null)).toEqual(DEFAULT_LAYOUT);
    const wild = parseLayout(JSON.stringify({ side: { build: 5, preview: 'x' }, pictures: -1, picturesOpen: 'yes' }));
    expect(wild.side.build).toBe(MAX_SHARE);
    expect(wild.side.preview).toBe(DEFAULT_LAYOUT.side.preview);
    expect(wild.pictures).toBe(MIN_SHARE);
    expect(wild.picturesOpen).toBe(true);
  });

  it('turns a drag into a share, measured from the far end for the pane after the divider', () => {
    expect(shareAt(500, 0, 1000)).toBe(0.5);
    expect(shareAt(300, 100, 1000, true)).toBeCloseTo(0.8);
    expect(shareAt(2000, 0, 1000)).toBe(MAX_SHARE);
    expect(shareAt(10, 0, 0)).toBe(DEFAULT_LAYOUT.pictures);
  });

  it('moves with the keyboard: arrows by 2 %, Home and End to the limits, other keys ignored', () => {
    expect(shareAfterKey(0.5, 'ArrowRight')).toBeCloseTo(0.52);
    expect(shareAfterKey(0.5, 'ArrowUp', true)).toBeCloseTo(0.52);
    expect(shareAfterKey(0.5, 'Home')).toBe(MIN_SHARE);
    expect(shareAfterKey(0.5, 'Home', true)).toBe(MAX_SHARE);
    expect(shareAfterKey(0.5, 'a')).toBeNull();
  });
});
