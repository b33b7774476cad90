/** Animation lengths for the pictures: short, and none at all when the reader asked for reduced motion. */
export function motionMs(ms: number): number {
  if (typeof matchMedia === 'undefined') return ms;
  return matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : Math.min(ms, 400);
}
