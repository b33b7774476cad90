/**
 * The editor's build context: a small tree of files (text or uploaded bytes),
 * the one being edited, and the build settings, kept in the browser's storage
 * so a reload or a machine restart loses nothing.
 */
import { safeStorage } from '../storage';

export interface WorkspaceFile {
  /** Relative path, "/"-separated ("app/main.sh"). */
  path: string;
  text?: string;
  /** Uploaded files that are not text. */
  bytes?: Uint8Array;
}

export interface StoredWorkspace {
  files: { path: string; text?: string; base64?: string }[];
  selected: string;
  tag: string;
}

const KEY = 'playground.workspace.v1';
/** localStorage holds a few MB; uploads are kept well under that. */
export const MAX_UPLOAD_BYTES = 512 * 1024;

export const STARTER: StoredWorkspace = {
  files: [
    {
      path: 'Dockerfile',
      text:
        'FROM busybox\n' +
        'WORKDIR /app\n' +
        'COPY hello.txt .\n' +
        'RUN wc -c hello.txt > size.txt\n' +
        'CMD ["cat", "hello.txt", "size.txt"]\n',
    },
    { path: 'hello.txt', text: 'Hello from a layer!\n你好，来自一层镜像！\n' },
  ],
  selected: 'Dockerfile',
  tag: 'hello:latest',
};

/** Why a path cannot be a file of the context, or null if it can. */
export function pathProblem(path: string, existing: readonly string[]): 'empty' | 'invalid' | 'exists' | null {
  const p = path.trim();
  if (!p) return 'empty';
  if (
    p.startsWith('/') ||
    p.endsWith('/') ||
    p.split('/').some((s) => !s || s === '.' || s === '..') ||
    p.length > 200
  ) {
    return 'invalid';
  }
  if (existing.includes(p)) return 'exists';
  return null;
}

function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Bytes as text if they are UTF-8 without NULs; null if they are binary. */
export function asText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export class Workspace {
  files = $state<WorkspaceFile[]>([]);
  selected = $state('Dockerfile');
  tag = $state('hello:latest');

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeStorage()) {
    this.load();
  }

  private load(): void {
    let stored: StoredWorkspace = STARTER;
    try {
      const raw = this.storage?.getItem(KEY);
      if (raw) stored = JSON.parse(raw) as StoredWorkspace;
    } catch {
      // unreadable: start from the example
    }
    this.files = stored.files.map((f) =>
      f.base64 !== undefined ? { path: f.path, bytes: fromBase64(f.base64) } : { path: f.path, text: f.text ?? '' },
    );
    this.selected = this.files.some((f) => f.path === stored.selected) ? stored.selected : (this.files[0]?.path ?? '');
    this.tag = stored.tag ?? STARTER.tag;
  }

  save(): void {
    const stored: StoredWorkspace = {
      files: this.files.map((f) =>
        f.bytes ? { path: f.path, base64: toBase64(f.bytes) } : { path: f.path, text: f.text ?? '' },
      ),
      selected: this.selected,
      tag: this.tag,
    };
    try {
      this.storage?.setItem(KEY, JSON.stringify(stored));
    } catch {
      // full or blocked: the files stay in this page
    }
  }

  get current(): WorkspaceFile | undefined {
    return this.files.find((f) => f.path === this.selected);
  }

  paths(): string[] {
    return this.files.map((f) => f.path).sort();
  }

  edit(path: string, text: string): void {
    const f = this.files.find((x) => x.path === path);
    if (!f || f.bytes || f.text === text) return;
    f.text = text;
    this.save();
  }

  add(path: string, content: string | Uint8Array = ''): ReturnType<typeof pathProblem> {
    const problem = pathProblem(path, this.paths());
    if (problem) return problem;
    const p = path.trim();
    const text = typeof content === 'string' ? content : asText(content);
    this.files.push(text !== null ? { path: p, text } : { path: p, bytes: content as Uint8Array });
    this.selected = p;
    this.save();
    return null;
  }

  rename(from: string, to: string): ReturnType<typeof pathProblem> {
    if (from === to.trim()) return null;
    const problem = pathProblem(to, this.paths());
    if (problem) return problem;
    const f = this.files.find((x) => x.path === from);
    if (!f) return 'invalid';
    f.path = to.trim();
    if (this.selected === from) this.selected = f.path;
    this.save();
    return null;
  }

  remove(path: string): void {
    this.files = this.files.filter((f) => f.path !== path);
    if (this.selected === path) this.selected = this.files[0]?.path ?? '';
    this.save();
  }

  select(path: string): void {
    this.selected = path;
    this.save();
  }

  /** The context a build gets: path → text or bytes. */
  context(): Record<string, string | Uint8Array> {
    return Object.fromEntries(this.files.map((f) => [f.path, f.bytes ?? f.text ?? '']));
  }

  reset(): void {
    this.storage?.setItem(KEY, JSON.stringify(STARTER));
    this.load();
  }
}
