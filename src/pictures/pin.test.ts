import { describe, expect, it } from 'vitest';
import { lessonPictures, pinnedPicture } from './pin';

describe('the picture a lesson step pins', () => {
  const lesson = {
    pictures: ['networkDiagram', 'namespaceTree', 'apiTraffic'],
    stepPictures: { '3': 'namespaceTree' },
  };

  it('is the step’s own pin first, then the exercise goal’s picture, then the lesson’s first', () => {
    expect(pinnedPicture(lesson, 2, null)).toBe('namespaceTree');
    expect(pinnedPicture(lesson, 0, { picture: 'cgroupMeters', container: 'a', file: 'pids.max', value: '5' })).toBe(
      'cgroupMeters',
    );
    expect(pinnedPicture(lesson, 0, null)).toBe('networkDiagram');
    expect(pinnedPicture({}, 0, null)).toBeNull();
  });

  it('keeps a lesson’s pictures in its order; the API traffic is the docker-run picture’s sequence', () => {
    expect(lessonPictures(lesson.pictures)).toEqual(['networkDiagram', 'namespaceTree', 'runPlan']);
    expect(lessonPictures(['nonsense', 'layerStack', 'layerStack'])).toEqual(['layerStack']);
  });
});
