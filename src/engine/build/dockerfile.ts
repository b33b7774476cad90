/**
 * A Dockerfile as the list of instructions Docker's parser makes of it.
 *
 * dockerfile-ast finds the instructions (continuations, comments, the escape
 * directive) and dockerfile-utils checks them as an editor would; the
 * arguments are then split as Docker's own parser splits each instruction
 * (exec-form JSON arrays, key/value pairs for ENV and LABEL), with quotes and
 * variables left for the build to expand, as Docker leaves them.
 */
import { DockerfileParser, type Instruction as AstInstruction } from 'dockerfile-ast';
import { validate, ValidationCode } from 'dockerfile-utils';

export interface Instruction {
  /** Upper-case keyword. */
  instruction: string;
  args: string[];
  /** `--name=value` as written before the arguments. */
  flags: string[];
  /** 1-based position of the keyword. */
  line: number;
  column: number;
  /** The last line the instruction spans (continuations). */
  endLine: number;
  /** RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME given as a JSON array. */
  json?: boolean;
  /** ONBUILD: the trigger, parsed. */
  trigger?: Instruction;
  /** The instruction as written, continuations joined (what history shows). */
  original: string;
}

export interface Diagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface ParsedDockerfile {
  instructions: Instruction[];
  escape: string;
  diagnostics: Diagnostic[];
}

export class DockerfileError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
    readonly file = 'Dockerfile',
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'DockerfileError';
  }
}

const KNOWN = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** Flags the classic builder understands; the others need BuildKit. */
const FLAGS: Record<string, string[]> = {
  FROM: ['platform'],
  COPY: ['from', 'chown', 'chmod'],
  ADD: ['chown', 'chmod'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

/** Docker's parseMaybeJSON: a JSON array of strings is the exec form; anything else is one string. */
function maybeJson(content: string): { json: true; list: string[] } | { json: false } {
  const t = content.trim();
  if (!t.startsWith('[')) return { json: false };
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { json: true, list: v };
  } catch {
    // not JSON: the shell form, as Docker treats it
  }
  return { json: false };
}

const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);

function splitArgs(keyword: string, ins: AstInstruction, content: string): { args: string[]; json?: boolean } {
  switch (keyword) {
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT':
    case 'SHELL': {
      const j = maybeJson(content);
      return j.json ? { args: j.list, json: true } : { args: [content.trim()] };
    }
    case 'COPY':
    case 'ADD':
    case 'VOLUME': {
      const j = maybeJson(content);
      return j.json ? { args: j.list, json: true } : { args: words(content) };
    }
    case 'ENV':
    case 'LABEL': {
      // Name then value, the value as written (quotes and $VARs are the build's to expand).
      const props = (ins as unknown as { getProperties(): Prop[] }).getProperties();
      return { args: props.flatMap((p) => [p.getName(), p.getUnescapedValue() ?? '']) };
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      return { args: [content.trim()] };
    case 'HEALTHCHECK': {
      const [kind, ...rest] = words(content);
      if (!kind || kind.toUpperCase() === 'NONE') return { args: kind ? ['NONE'] : [] };
      const cmd = content.trim().slice(kind.length);
      const j = maybeJson(cmd);
      return j.json ? { args: ['CMD', ...j.list], json: true } : { args: rest.length ? ['CMD', cmd.trim()] : ['CMD'] };
    }
    default:
      return { args: words(content) };
  }
}

interface Flagged {
  getFlags(): { getName(): string; getValue(): string | null; getRange(): { start: { character: number } } }[];
}

interface Prop {
  getName(): string;
  getUnescapedValue(): string | null;
}

function convert(ins: AstInstruction, lines: string[], escape: string, errors: Diagnostic[]): Instruction | null {
  const r = ins.getRange();
  const keyword = ins.getKeyword();
  const line = r.start.line + 1;
  const column = r.start.character + 1;
  const at = (message: string, col = column): Diagnostic => ({
    line,
    column: col,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
    severity: 'error',
    message,
  });
  if (!KNOWN.has(keyword)) {
    errors.push(at(`unknown instruction: ${ins.getInstruction()}`));
    return null;
  }
  // Only instructions that take flags have getFlags().
  const withFlags = ins as Partial<Pick<Flagged, 'getFlags'>>;
  const flags = (withFlags.getFlags?.() ?? []).map((f) => ({
    name: f.getName(),
    value: f.getValue(),
    col: f.getRange().start.character + 1,
  }));
  for (const f of flags) {
    if (!(FLAGS[keyword] ?? []).includes(f.name)) {
      const buildkit = keyword === 'RUN' || f.name === 'link' || f.name === 'checksum' || f.name === 'parents';
      errors.push(
        at(
          buildkit
            ? `${keyword} --${f.name} needs BuildKit; this is Docker's classic builder`
            : `unknown flag for ${keyword}: --${f.name}`,
          f.col,
        ),
      );
    }
  }
  const content = ins.getArgumentsContent() ?? '';
  if (/^\s*<<-?\S/.test(content) && ['RUN', 'COPY', 'ADD'].includes(keyword)) {
    errors.push(
      at(
        `heredocs (<<) need BuildKit; this is Docker's classic builder: write the lines with && or in a file you COPY`,
      ),
    );
    return null;
  }
  const { args, json } = splitArgs(keyword, ins, content);
  const original = lines
    .slice(r.start.line, r.end.line + 1)
    .map((l, i, all) => {
      const cut = i === all.length - 1 ? l.slice(0, r.end.character) : l;
      return i < all.length - 1 && cut.trimEnd().endsWith(escape) ? cut.trimEnd().slice(0, -1) : cut;
    })
    .filter((l) => !/^\s*#/.test(l))
    .join('')
    .trim();
  const out: Instruction = {
    instruction: keyword,
    args,
    flags: flags.map((f) => (f.value === null ? `--${f.name}` : `--${f.name}=${f.value}`)),
    line,
    column,
    endLine: r.end.line + 1,
    original,
    ...(json ? { json } : {}),
  };
  if (keyword === 'ONBUILD') {
    const trigger = DockerfileParser.parse(content.trim()).getInstructions()[0];
    if (trigger) {
      const t = convert(trigger, [content.trim()], escape, []);
      if (t) out.trigger = { ...t, line, column, endLine: out.endLine };
    }
  }
  return out;
}

/** `fragment`: instructions without a FROM (`docker commit --change`, ONBUILD triggers). */
export function parseDockerfile(text: string, opts: { fragment?: boolean } = {}): ParsedDockerfile {
  const doc = DockerfileParser.parse(text);
  const escape = doc.getEscapeCharacter();
  const lines = text.split(/\r?\n/);
  const diagnostics: Diagnostic[] = [];
  const instructions: Instruction[] = [];
  for (const ins of doc.getInstructions()) {
    const i = convert(ins, lines, escape, diagnostics);
    if (i) instructions.push(i);
  }
  for (const d of validate(text)) {
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    // Unknown instructions are reported above, in Docker's words.
    if (/^Unknown instruction/.test(message)) continue;
    if (opts.fragment && d.code === ValidationCode.NO_SOURCE_IMAGE) continue;
    diagnostics.push({
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      // LSP severities (1 = error). Docker itself runs ['single', 'quotes'] as the shell form: a warning, not an error.
      severity: d.severity === 1 && d.code !== ValidationCode.JSON_IN_SINGLE_QUOTES ? 'error' : 'warning',
      message,
    });
  }
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { instructions, escape, diagnostics };
}

/** The instructions of a Dockerfile, or a DockerfileError at its first error. */
export function parseOrThrow(text: string, file = 'Dockerfile', opts: { fragment?: boolean } = {}): Instruction[] {
  const p = parseDockerfile(text, opts);
  const e = p.diagnostics.find((d) => d.severity === 'error');
  if (e) throw new DockerfileError(e.line, e.column, e.message, file);
  return p.instructions;
}
