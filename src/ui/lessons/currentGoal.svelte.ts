import type { PictureGoal } from '../../lessons/pictureGoal';

/**
 * The goals of the exercise the student is on, for a picture shown outside
 * the lesson player (a pinned picture) to draw as a ghost; the player keeps
 * it current.
 */
export const currentGoal = $state<{ goals: PictureGoal[] }>({ goals: [] });
