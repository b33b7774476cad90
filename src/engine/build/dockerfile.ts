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
  /**
   * An error of Docker's parser itself (the file is not a Dockerfile); the
   * other errors are a build's (instructions.Parse and the builder refuse
   * them, the syntax tree is still made).
   */
  syntax?: true;
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

/**
 * Docker's parseMaybeJSON: a JSON array of strings is the exec form; an
 * array with anything else in it is a syntax error; anything else is one
 * string.
 */
function maybeJson(content: string): { json: true; list: string[] } | { json: false; notStrings?: true } {
  const t = content.trim();
  if (!t.startsWith('[')) return { json: false };
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { json: true, list: v };
    if (Array.isArray(v)) return { json: false, notStrings: true };
  } catch {
    // not JSON: the shell form, as Docker treats it
  }
  return { json: false };
}

const NOT_STRINGS = 'when using JSON array syntax, arrays must be comprised of strings only';

const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);

function splitArgs(
  keyword: string,
  ins: AstInstruction,
  content: string,
): { args: string[]; json?: boolean; notStrings?: true } {
  switch (keyword) {
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT':
    case 'SHELL': {
      const j = maybeJson(content);
      return j.json
        ? { args: j.list, json: true }
        : { args: [content.trim()], ...(j.notStrings && { notStrings: j.notStrings }) };
    }
    case 'COPY':
    case 'ADD':
    case 'VOLUME': {
      const j = maybeJson(content);
      return j.json
        ? { args: j.list, json: true }
        : { args: words(content), ...(j.notStrings && { notStrings: j.notStrings }) };
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
      if (j.json) return { args: ['CMD', ...j.list], json: true };
      return { args: rest.length ? ['CMD', cmd.trim()] : ['CMD'], ...(j.notStrings && { notStrings: j.notStrings }) };
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
    // In the tree all the same, as Docker's parser keeps it (parseIgnore: the keyword, no arguments); a build
    // stops at the error above before it reads the instruction.
    const end = lines[r.end.line] ?? '';
    return { instruction: keyword, args: [], flags: [], line, column, endLine: r.end.line + 1, original: end.trim() };
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
  const { args, json, notStrings } = splitArgs(keyword, ins, content);
  if (notStrings) errors.push({ ...at(NOT_STRINGS), syntax: true });
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
  if (keyword === 'ONBUILD' && content.trim()) {
    // The trigger is an instruction of its own, parsed as Docker's parseSubCommand does: the rest of the
    // line (continuations already joined), with the file's escape character.
    const joined = content.trim();
    const source = escape === '\\' ? joined : `# escape=${escape}\n${joined}`;
    const trigger = DockerfileParser.parse(source).getInstructions()[0];
    const triggerErrors: Diagnostic[] = [];
    const t = trigger ? convert(trigger, source.split(/\r?\n/), escape, triggerErrors) : null;
    // As in Docker, a bad trigger fails the build of an image FROM this one, not this build: a warning here,
    // at the ONBUILD line (a trigger's own position is inside that line).
    for (const e of triggerErrors) {
      errors.push({
        ...e,
        line,
        column,
        endLine: out.endLine,
        endColumn: r.end.character + 1,
        severity: 'warning',
        message: `this trigger will fail the build of an image FROM this one: ${e.message}`,
      });
    }
    if (t) out.trigger = { ...t, line, column, endLine: out.endLine };
  }
  return out;
}

const UNKNOWN_FLAG_CODES = new Set<ValidationCode>([
  ValidationCode.UNKNOWN_ADD_FLAG,
  ValidationCode.UNKNOWN_COPY_FLAG,
  ValidationCode.UNKNOWN_FROM_FLAG,
  ValidationCode.UNKNOWN_HEALTHCHECK_FLAG,
]);

/** What Docker's own parser refuses (parser.Parse); every other error is a build's. */
const SYNTAX_CODES = new Set<ValidationCode>([
  ValidationCode.ARGUMENT_REQUIRES_TWO, // ENV/LABEL name without a value: "ENV must have two arguments"
  ValidationCode.SYNTAX_MISSING_EQUALS,
  ValidationCode.INVALID_ESCAPE_DIRECTIVE,
  ValidationCode.DUPLICATED_ESCAPE_DIRECTIVE,
]);

/**
 * A continuation that ends the file ends the instruction there, as in
 * Docker's parser (its scanner just runs out of lines): the escape and any
 * blank lines after it are dropped, so the last instruction keeps its
 * arguments and its text has no dangling escape.
 */
function endContinuation(text: string, escape: string): string {
  const esc = escape.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return text.replace(new RegExp(`${esc}[ \\t]*(\\r?\\n[ \\t]*)*$`), '');
}

/** `fragment`: instructions without a FROM (`docker commit --change`, ONBUILD triggers). */
export function parseDockerfile(source: string, opts: { fragment?: boolean } = {}): ParsedDockerfile {
  const text = endContinuation(source, DockerfileParser.parse(source).getEscapeCharacter());
  const doc = DockerfileParser.parse(text);
  const escape = doc.getEscapeCharacter();
  const lines = text.split(/\r?\n/);
  const diagnostics: Diagnostic[] = [];
  const instructions: Instruction[] = [];
  for (const ins of doc.getInstructions()) {
    const i = convert(ins, lines, escape, diagnostics);
    if (i) instructions.push(i);
  }
  if (!doc.getInstructions().length && !opts.fragment) {
    const line = Math.max(1, lines.length);
    diagnostics.push({
      line,
      column: 1,
      endLine: line,
      endColumn: 1,
      severity: 'error',
      message: 'file with no instructions',
      syntax: true,
    });
  }
  for (const d of validate(text)) {
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    // Unknown instructions and flags are reported above, in Docker's words.
    if (/^Unknown instruction/.test(message) || UNKNOWN_FLAG_CODES.has(d.code as ValidationCode)) continue;
    if (d.code === ValidationCode.NO_SOURCE_IMAGE && (opts.fragment || !doc.getInstructions().length)) continue;
    // LSP severities (1 = error). Docker itself runs ['single', 'quotes'] as the shell form: a warning, not an error.
    const severity = d.severity === 1 && d.code !== ValidationCode.JSON_IN_SINGLE_QUOTES ? 'error' : 'warning';
    diagnostics.push({
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity,
      message,
      ...(severity === 'error' && SYNTAX_CODES.has(d.code as ValidationCode) ? { syntax: true as const } : {}),
    });
  }
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { instructions, escape, diagnostics };
}

/** An instruction as `lab parse` prints it: its parts, where it is, and an ONBUILD's trigger as an instruction. */
export interface SyntaxNode {
  instruction: string;
  args: string[];
  flags: string[];
  line: number;
  column: number;
  json?: true;
  trigger?: SyntaxNode;
}

function syntaxNode(i: Instruction): SyntaxNode {
  return {
    instruction: i.instruction,
    // As in Docker's tree, an ONBUILD's only child is its trigger: (onbuild (run "…")).
    args: i.trigger ? [] : i.args,
    flags: i.flags,
    line: i.line,
    column: i.column,
    ...(i.json ? { json: true as const } : {}),
    ...(i.trigger ? { trigger: syntaxNode(i.trigger) } : {}),
  };
}

/**
 * `npm run lab -- parse [--strict] <file>`: the syntax tree of any
 * Dockerfile Docker's parser accepts, with what a build would refuse (and
 * the validator's warnings) as `file:line:col: warning: …`; status 1 on a
 * syntax error, and with `strict` on anything a build refuses too.
 */
export function parseReport(
  text: string,
  file: string,
  opts: { strict?: boolean } = {},
): { status: number; stdout: string; stderr: string } {
  const p = parseDockerfile(text);
  const at = (d: Diagnostic) => `${file}:${d.line}:${d.column}`;
  const fatal = p.diagnostics.filter((d) => d.syntax || (opts.strict && d.severity === 'error'));
  if (fatal.length) return { status: 1, stdout: '', stderr: fatal.map((d) => `${at(d)}: ${d.message}\n`).join('') };
  const stderr = p.diagnostics
    .map((d) =>
      d.severity === 'error'
        ? `${at(d)}: warning: ${d.message} (a build refuses this; --strict fails on it)\n`
        : `${at(d)}: warning: ${d.message}\n`,
    )
    .join('');
  return { status: 0, stdout: `${JSON.stringify(p.instructions.map(syntaxNode), null, 2)}\n`, stderr };
}

/** The instructions of a Dockerfile, or a DockerfileError at its first error. */
export function parseOrThrow(text: string, file = 'Dockerfile', opts: { fragment?: boolean } = {}): Instruction[] {
  const p = parseDockerfile(text, opts);
  const e = p.diagnostics.find((d) => d.severity === 'error');
  if (e) throw new DockerfileError(e.line, e.column, e.message, file);
  return p.instructions;
}
