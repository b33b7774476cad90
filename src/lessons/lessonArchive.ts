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

/**
 * The lesson files of a zip: at its root, or in its single top folder (as
 * zipping a folder makes). Other files are ignored.
 */
export function lessonFilesFromZip(zip: Uint8Array, name = 'lesson.zip'): LessonFiles & { folder: string } {
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, {
      filter: (f) => {
        const base = f.name.split('/').at(-1) ?? '';
        if (!(NAMES as readonly string[]).includes(base)) return false;
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
  const files = { json, ...(en !== undefined ? { en } : {}), ...(zh !== undefined ? { zh } : {}) };
  return { lesson: loadLesson(files, folder.pathname.split('/').filter(Boolean).at(-1) ?? url), files };
}
