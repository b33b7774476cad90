/**
 * Editor diagnostics for a Dockerfile, as you type: the parser's errors and
 * warnings with their line and column, in the shape Monaco's markers take
 * (1-based lines and columns), without importing Monaco.
 */
import { parseDockerfile } from '../../engine/build/dockerfile';

export interface MarkerData {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  message: string;
  severity: 'error' | 'warning';
}

export function dockerfileMarkers(text: string): MarkerData[] {
  return parseDockerfile(text).diagnostics.map((d) => ({
    startLineNumber: d.line,
    startColumn: d.column,
    endLineNumber: d.endLine,
    // A zero-width range would not be drawn: underline at least one character.
    endColumn: d.endLine === d.line && d.endColumn <= d.column ? d.column + 1 : d.endColumn,
    message: d.message,
    severity: d.severity,
  }));
}
