/** The browser's localStorage, or null where it is missing or blocked (private mode, a sandboxed embed). */
export function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
