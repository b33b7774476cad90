/**
 * The container side of the VmVsContainer picture, measured on the engine:
 * a whole `docker run --rm busybox true` (create, start, exit, removal), the
 * memory.current of a container that only sleeps, the guest kernel's total
 * memory, and the size of the busybox image's layers.
 */
import type { Engine } from '../engine/engine';
import { runScript } from '../engine/guest';
import { sh } from '../engine/shell';
import { containerPaths } from '../engine/runtime/containerPlan';

export interface ContainerFigures {
  containerRunMs: number;
  containerMemoryBytes: number;
  guestMemTotalBytes: number;
  imageBytes: number;
}

export async function measureContainer(engine: Engine): Promise<ContainerFigures> {
  await engine.ensureImages();
  const t0 = performance.now();
  const run = await engine.create({ image: 'busybox', cmd: ['true'], autoRemove: true });
  await engine.start(run.Id);
  await engine.wait(run.Id);
  const containerRunMs = Math.round(performance.now() - t0);
  const idle = await engine.create({ image: 'busybox', cmd: ['sleep', '60'] });
  try {
    await engine.start(idle.Id);
    const r = await runScript(
      engine.guest,
      sh`cat ${containerPaths(idle.Id).cgroup}/memory.current; grep MemTotal /proc/meminfo`,
    );
    const [current, total] = r.out.split('\n');
    const busybox = await engine.image('busybox');
    return {
      containerRunMs,
      containerMemoryBytes: Number(current),
      guestMemTotalBytes: Number(/(\d+)/.exec(total ?? '')?.[1] ?? 0) * 1024,
      imageBytes: busybox.manifest.layers.reduce((n, l) => n + l.size, 0),
    };
  } finally {
    await engine.remove(idle.Id, { force: true });
  }
}
