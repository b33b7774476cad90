/** Docker-style names for containers started without --name: an adjective and a scientist. */
const ADJECTIVES = [
  'brave',
  'calm',
  'eager',
  'gentle',
  'jolly',
  'keen',
  'lucid',
  'merry',
  'nimble',
  'quiet',
  'sharp',
  'tidy',
  'vivid',
  'witty',
  'zen',
];
const SCIENTISTS = [
  'curie',
  'hopper',
  'lovelace',
  'noether',
  'turing',
  'shannon',
  'ritchie',
  'thompson',
  'torvalds',
  'hamilton',
  'kernighan',
  'liskov',
  'wozniak',
  'yalow',
  'zhang',
];

export function randomName(taken: (name: string) => boolean, rand: () => number = Math.random): string {
  for (let i = 0; i < 100; i++) {
    const a = ADJECTIVES[Math.floor(rand() * ADJECTIVES.length)]!;
    const s = SCIENTISTS[Math.floor(rand() * SCIENTISTS.length)]!;
    const name = i < 10 ? `${a}_${s}` : `${a}_${s}${i}`;
    if (!taken(name)) return name;
  }
  throw new Error('no free container name');
}

/** Docker's rule for container names (and volume and network names): daemon/names.go's validContainerNamePattern. */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
