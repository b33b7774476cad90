/** POST /build: a context tar in, the build log out as Docker's JSON progress lines. */
import { Builder, BuildError } from '../build/builder';
import { BuildContext } from '../build/buildContext';
import { EngineError, invalidParameter } from '../engineError';
import { UnsafeArchiveError } from '../images/layerArchive';
import { responseHead } from './http';
import { bool } from './respond';
import type { Call, Route } from './router';

export const buildRoutes: Route[] = [{ method: 'POST', path: '/build', handler: build }];

async function build({ engine, req, conn, query }: Call): Promise<number> {
  let context: BuildContext;
  try {
    context = await BuildContext.fromTar(req.body);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) throw invalidParameter(`the build context was refused: ${e.message}`);
    throw invalidParameter(`the build context is not a tar archive: ${(e as Error).message}`);
  }
  let buildArgs: Record<string, string>;
  try {
    buildArgs = JSON.parse(query.get('buildargs') ?? '{}') as Record<string, string>;
  } catch {
    throw invalidParameter('buildargs is not a JSON object');
  }
  const quiet = bool(query.get('q'));
  // From here on the answer is a stream: errors travel in it, as Docker's do.
  conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
  const enc = new TextEncoder();
  const line = (v: unknown) => conn.write(enc.encode(JSON.stringify(v) + '\n'));
  try {
    const r = await new Builder(engine).build({
      context,
      dockerfile: query.get('dockerfile') ?? 'Dockerfile',
      tags: query.getAll('t'),
      buildArgs,
      noCache: bool(query.get('nocache')),
      ...(query.get('target') ? { target: query.get('target')! } : {}),
      onLog: (text) => {
        if (!quiet) line({ stream: text });
      },
    });
    line({ aux: { ID: r.image.id } });
  } catch (e) {
    const message = e instanceof BuildError || e instanceof EngineError ? e.message : String(e);
    line({ errorDetail: { message }, error: message });
  }
  conn.end();
  return 200;
}
