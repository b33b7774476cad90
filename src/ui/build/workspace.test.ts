import { describe, expect, it } from 'vitest';
import { asText, pathProblem, STARTER, Workspace } from './workspace.svelte';

class MemoryStorage {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}

describe('Workspace (the editor build context)', () => {
  it('starts from the example and keeps every change in storage', () => {
    const storage = new MemoryStorage();
    const ws = new Workspace(storage);
    expect(ws.paths()).toEqual(STARTER.files.map((f) => f.path).sort());
    expect(ws.add('app/run.sh', 'echo hi')).toBeNull();
    ws.edit('Dockerfile', 'FROM scratch\n');
    expect(ws.rename('hello.txt', 'docs/hello.txt')).toBeNull();
    ws.add('logo.bin', new Uint8Array([0, 1, 2, 255]));
    const again = new Workspace(storage);
    expect(again.paths()).toEqual(['Dockerfile', 'app/run.sh', 'docs/hello.txt', 'logo.bin']);
    expect(again.context()['Dockerfile']).toBe('FROM scratch\n');
    expect(again.context()['logo.bin']).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(again.selected).toBe('logo.bin');
    again.remove('logo.bin');
    expect(new Workspace(storage).paths()).not.toContain('logo.bin');
  });

  it('refuses paths that cannot be in a build context', () => {
    expect(pathProblem('', [])).toBe('empty');
    expect(pathProblem('/etc/passwd', [])).toBe('invalid');
    expect(pathProblem('a/../b', [])).toBe('invalid');
    expect(pathProblem('dir/', [])).toBe('invalid');
    expect(pathProblem('Dockerfile', ['Dockerfile'])).toBe('exists');
    expect(pathProblem('src/main.c', ['Dockerfile'])).toBeNull();
  });

  it('tells text from binary uploads', () => {
    expect(asText(new TextEncoder().encode('中文 ok'))).toBe('中文 ok');
    expect(asText(new Uint8Array([0xff, 0xfe, 0x00]))).toBeNull();
  });
});
