import { describe, expect, it } from 'vitest';
import type { LayerStackView } from './layerStack';
import { columnPaths, layerStackLayout, sheetPoints } from './layerLayout';

/** busybox (one layer) under container cow, which changed /etc/group, deleted /bin/vi and added /new. */
const view: LayerStackView = {
  containers: [
    { id: 'c1', name: 'cow', status: 'running' },
    { id: 'c2', name: 'calf', status: 'running' },
  ],
  selected: {
    id: 'c1',
    name: 'cow',
    image: 'busybox',
    imageId: 'sha256:img',
    upperDir: '/var/lib/docker/overlay2/c1/diff',
    changes: [
      { path: '/etc', kind: 'C' },
      { path: '/etc/group', kind: 'C' },
      { path: '/bin', kind: 'C' },
      { path: '/bin/vi', kind: 'D' },
      { path: '/new', kind: 'A' },
    ],
    layers: [
      {
        index: 0,
        digest: 'sha256:base',
        size: 2_000_000,
        createdBy: 'ADD busybox',
        holds: [
          { path: '/etc', kind: 'A' },
          { path: '/etc/group', kind: 'A' },
          { path: '/bin', kind: 'A' },
          { path: '/bin/vi', kind: 'A' },
        ],
      },
    ],
  },
  others: [
    { id: 'c2', name: 'calf', image: 'busybox', layers: ['sha256:base'] },
    { id: 'c3', name: 'stranger', image: 'alpine', layers: ['sha256:other'] },
  ],
};

describe('the layer stack as sheets', () => {
  const l = layerStackLayout(view)!;

  it('stacks merged over upper over the image layers, top to bottom', () => {
    const left = l.sheets.filter((s) => s.stack !== 'right');
    expect(left.map((s) => s.key)).toEqual(['merged', 'upper', 'layer-0']);
    expect(left[0]!.y).toBeLessThan(left[1]!.y);
    expect(left[1]!.y).toBeLessThan(left[2]!.y);
  });

  it('gives each changed file a column, directories only when nothing under them changed', () => {
    expect(columnPaths(view.selected!.changes)).toEqual(['/etc/group', '/bin/vi', '/new']);
    expect(l.columns.map((c) => c.path)).toEqual(['/etc/group', '/bin/vi', '/new']);
  });

  it('puts the copy right above the original, rising from it; a whiteout above the file it hides', () => {
    const at = (path: string, sheet: string) => l.chips.find((c) => c.path === path && c.sheet === sheet);
    const copy = at('/etc/group', 'upper')!;
    const original = at('/etc/group', 'layer-0')!;
    expect(copy.kind).toBe('copied-up');
    expect(copy.x).toBe(original.x);
    expect(copy.fromY).toBe(original.y);
    expect(at('/bin/vi', 'upper')!.kind).toBe('whiteout');
    expect(at('/bin/vi', 'layer-0')!.kind).toBe('original');
    expect(at('/bin/vi', 'merged')!.kind).toBe('hidden');
    expect(at('/new', 'upper')!.kind).toBe('added');
    expect(at('/new', 'layer-0')).toBeUndefined();
    expect(at('/etc/group', 'merged')!.kind).toBe('visible');
  });

  it('draws a layer two containers share as one sheet under both stacks', () => {
    expect(l.other).toBe('calf');
    const base = l.sheets.find((s) => s.key === 'layer-0')!;
    expect(base.stack).toBe('both');
    const right = l.sheets.filter((s) => s.stack === 'right');
    expect(right.map((s) => s.key)).toEqual(['other-upper', 'other-merged']);
    for (const s of right) expect(base.x + base.w).toBeGreaterThanOrEqual(s.x + s.w);
    // Resting on it: the other container's layer is the row right above.
    expect(right[0]!.y).toBe(l.sheets.find((s) => s.key === 'upper')!.y);
    expect(l.width).toBeGreaterThanOrEqual(base.w);
  });

  it('draws nothing beside when no other container shares a layer', () => {
    const alone = layerStackLayout({ ...view, others: [view.others[1]!] })!;
    expect(alone.other).toBeNull();
    expect(alone.sheets.every((s) => s.stack === 'left')).toBe(true);
  });

  it('draws the goal as a dashed chip until the container layer shows it', () => {
    const g = layerStackLayout(view, { path: '/etc/passwd', expect: 'whiteout' })!;
    expect(g.columns.map((c) => c.path)).toContain('/etc/passwd');
    expect(g.ghost).toMatchObject({ path: '/etc/passwd', kind: 'whiteout', sheet: 'upper' });
    expect(layerStackLayout(view, { path: '/bin/vi', expect: 'whiteout' })!.ghost).toBeNull();
    expect(layerStackLayout(view, { path: '/x', expect: 'added', container: 'other' })!.ghost).toBeNull();
  });

  it('leans each sheet to the right', () => {
    expect(sheetPoints({ x: 0, y: 10, w: 100 })).toBe('12,10 112,10 100,34 0,34');
  });
});
