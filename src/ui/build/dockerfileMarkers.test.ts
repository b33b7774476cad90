import { describe, expect, it } from 'vitest';
import { dockerfileMarkers } from './dockerfileMarkers';

describe('Dockerfile diagnostics for the editor', () => {
  it('puts each problem on its line and column', () => {
    const markers = dockerfileMarkers('FROM busybox\nRUN echo ok\nFRM typo\nEXPOSE port\n');
    expect(markers.map((m) => [m.startLineNumber, m.startColumn, m.severity, m.message])).toEqual([
      [3, 1, 'error', 'unknown instruction: FRM'],
      [4, 8, 'error', 'Invalid containerPort: port'],
    ]);
    expect(markers.every((m) => m.endColumn > m.startColumn || m.endLineNumber > m.startLineNumber)).toBe(true);
  });

  it('has nothing to say about a good Dockerfile', () => {
    expect(dockerfileMarkers('FROM busybox\nCOPY . /app\nCMD ["sh"]\n')).toEqual([]);
  });
});
