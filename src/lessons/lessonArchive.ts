/**
 * Lessons an instructor brings without rebuilding the site: a folder in the
 * lessons/ format, as a .zip or at a URL on the site's own origin. The files
 * are read, never unpacked anywhere, then validated like the site's lessons
 * (missing language, bad check, script-running markup), every problem named.
 */
import { unzipSync } from 'fflate';
import { loadLesson, LessonError, type Lesson } from './lessonBundle';

/** A lesson folder's three files, as text. */
export interface LessonFiles {
  json: string;
  en?: string;
  zh?: string;
}

const NAMES = ['lesson.json', 'en.md', 'zh.md'] as const;
/** Far above any real lesson; a zip bomb stops here. */
export const MAX_LESSON_BYTES = 512 * 1024;
/** A lesson's zip file: refused by its size before it is read. */
export const MAX_LESSON_ZIP_BYTES = 4 * 1024 * 1024;

/** Throws for a zip too large to be a lesson: the page calls it with the file's size before reading it. */
export function checkLessonZipSize(size: number, name: string): void {
  if (size > MAX_LESSON_ZIP_BYTES) {
    throw new LessonError(name, [`the zip is ${size} bytes; a lesson zip is at most ${MAX_LESSON_ZIP_BYTES}`]);
  }
}

/**
 * A zip entry's name, segment by segment (empty and `.` dropped); null for
 * one that is absolute (or a drive letter) or climbs with `..`: nothing is
 * unpacked, but such a name is not a lesson folder's either.
 */
function entryPath(name: string): string | null {
  // Some Windows tools write \ between folders.
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/') || /^[a-z]:/i.test(n) || n.includes('\0')) return null;
  const parts = n.split('/').filter((p) => p !== '' && p !== '.');
  return parts.includes('..') ? null : parts.join('/');
}

/**
 * The lesson files of a zip: at its root, or in its single top folder (as
 * zipping a folder makes). Other files are ignored.
 */
export function lessonFilesFromZip(zip: Uint8Array, name = 'lesson.zip'): LessonFiles & { folder: string } {
  checkLessonZipSize(zip.length, name);
  let total = 0;
  let raw: Record<string, Uint8Array>;
  const refused: string[] = [];
  try {
    raw = unzipSync(zip, {
      filter: (f) => {
        const path = entryPath(f.name);
        const base = f.name.replace(/\\/g, '/').split('/').at(-1) ?? '';
        if (!(NAMES as readonly string[]).includes(base)) return false;
        if (path === null) {
          refused.push(f.name);
          return false;
        }
        total += f.originalSize;
        if (f.originalSize > MAX_LESSON_BYTES || total > 3 * MAX_LESSON_BYTES) {
          throw new LessonError(name, [
            `${f.name} is too large (${f.originalSize} bytes; a lesson file is at most ${MAX_LESSON_BYTES})`,
          ]);
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof LessonError) throw e;
    throw new LessonError(name, [`not a zip archive: ${(e as Error).message}`]);
  }
  if (refused.length) {
    throw new LessonError(
      name,
      refused.map((n) => `${n}: an absolute name or one with .. is not a lesson file`),
    );
  }
  // Keyed by the normalised name: ./x/lesson.json and x//en.md are one folder's files.
  const entries: Record<string, Uint8Array> = {};
  for (const [n, b] of Object.entries(raw)) entries[entryPath(n)!] = b;
  const dirs = new Set(Object.keys(entries).map((p) => p.split('/').slice(0, -1).join('/')));
  if (dirs.size > 1) {
    throw new LessonError(name, [
      `the zip holds lesson files in several folders (${[...dirs].join(', ')}); one lesson per zip`,
    ]);
  }
  const dir = [...dirs][0] ?? '';
  const read = (f: string) => {
    const b = entries[dir ? `${dir}/${f}` : f];
    return b ? new TextDecoder('utf-8', { fatal: true }).decode(b) : undefined;
  };
  const json = read('lesson.json');
  if (json === undefined) throw new LessonError(name, ['the zip has no lesson.json']);
  return { json, en: read('en.md'), zh: read('zh.md'), folder: dir.split('/').at(-1) || name.replace(/\.zip$/i, '') };
}

export function lessonFromZip(zip: Uint8Array, name?: string): { lesson: Lesson; files: LessonFiles } {
  const { folder, ...files } = lessonFilesFromZip(zip, name);
  return { lesson: loadLesson(files, folder), files };
}

/** A lesson folder served by this site (same origin only: a lesson's checks run commands in the student's machine). */
export async function lessonFromUrl(
  url: string,
  base: string,
  fetchText: (url: string) => Promise<string | undefined>,
): Promise<{ lesson: Lesson; files: LessonFiles }> {
  const folder = new URL(url.endsWith('/') ? url : `${url}/`, base);
  if (folder.origin !== new URL(base).origin) {
    throw new LessonError(url, [
      `lessons load only from this site (${new URL(base).origin}), not from ${folder.origin}`,
    ]);
  }
  const [json, en, zh] = await Promise.all(NAMES.map((n) => fetchText(new URL(n, folder).href)));
  if (json === undefined) throw new LessonError(url, [`no lesson.json at ${new URL('lesson.json', folder).href}`]);
  const large = NAMES.filter((_, i) => ([json, en, zh][i]?.length ?? 0) > MAX_LESSON_BYTES);
  if (large.length) {
    throw new LessonError(
      url,
      large.map((n) => `${n} is too large (a lesson file is at most ${MAX_LESSON_BYTES})`),
    );
  }
  const files = { json, ...(en !== undefined ? { en } : {}), ...(zh !== undefined ? { zh } : {}) };
  return { lesson: loadLesson(files, folder.pathname.split('/').filter(Boolean).at(-1) ?? url), files };
}
