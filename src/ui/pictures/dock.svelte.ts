/**
 * What the pictures pane shows: the lesson's pictures and the one pinned for
 * its current step (set by the lesson player), and the tab the student
 * picked, which holds until the pin changes. Outside a lesson the student's
 * last pick is remembered. (The current exercise's goals, drawn as ghosts,
 * come from the lesson player's currentGoal.)
 */
import { paneName, type PaneName } from '../../pictures/pin';
import { safeStorage } from '../storage';

const KEY = 'playground.picture';
const LIST_KEY = 'playground.picture.asList';

export class PictureDock {
  /** The open lesson's pictures, in its order (empty in the sandbox). */
  lesson = $state<PaneName[]>([]);
  pinned = $state<PaneName | null>(null);
  chosen = $state<PaneName | null>(null);
  /** The text alternative instead of the drawing (remembered). */
  asList = $state(false);
  private owner: string | null = null;

  shown = $derived<PaneName>(this.chosen ?? this.pinned ?? 'namespaceTree');

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeStorage()) {
    this.chosen = paneName(this.storage?.getItem(KEY) ?? '');
    this.asList = this.storage?.getItem(LIST_KEY) === '1';
  }

  toggleList(): void {
    this.asList = !this.asList;
    this.remember(LIST_KEY, this.asList ? '1' : '0');
  }

  /** A lesson step is on screen: its pictures and its pin (a new pin drops the student's pick). */
  show(owner: string, pictures: PaneName[], pinned: PaneName | null): void {
    const moved = owner !== this.owner || pinned !== this.pinned;
    this.owner = owner;
    this.lesson = pictures;
    this.pinned = pinned;
    if (moved && pinned) this.chosen = null;
  }

  /** The lesson closed: the sandbox again, its pictures no longer pinned. */
  leave(owner: string): void {
    if (owner !== this.owner) return;
    this.owner = null;
    this.lesson = [];
    this.chosen ??= this.pinned;
    this.pinned = null;
  }

  choose(p: PaneName): void {
    this.chosen = p;
    this.remember(KEY, p);
  }

  private remember(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      // storage full: not remembered, still shown
    }
  }
}

/** One dock per page: the lesson player writes it, the pictures pane reads it. */
export const dock = new PictureDock();
