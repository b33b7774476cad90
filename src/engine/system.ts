/** What `docker version` and `docker info` say about this daemon and its machine. */
import type { ContainerStore } from './containers/store';
import { runScript, type Guest } from './guest';
import type { ImageService } from './images/imageService';
import { sh } from './shell';

export class System {
  private kernel: Promise<string> | null = null;

  constructor(
    private readonly guest: Guest,
    private readonly containers: ContainerStore,
    private readonly images: ImageService,
  ) {}

  /** The guest kernel's release, as `uname -r` prints it. */
  kernelVersion(): Promise<string> {
    this.kernel ??= runScript(this.guest, sh`uname -r`).then((r) => r.out.trim());
    return this.kernel;
  }

  async version() {
    return {
      Platform: { Name: 'Container internals playground' },
      Version: 'playground',
      ApiVersion: '1.43',
      MinAPIVersion: '1.24',
      Os: 'linux',
      Arch: '386',
      KernelVersion: await this.kernelVersion(),
    };
  }

  async info() {
    const all = this.containers.list(true);
    return {
      Containers: all.length,
      ContainersRunning: all.filter((c) => c.State.Running).length,
      ContainersStopped: all.filter((c) => !c.State.Running).length,
      Images: (await this.images.list()).length,
      Driver: 'overlay2',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: '2',
      KernelVersion: await this.kernelVersion(),
      OperatingSystem: 'playground guest (busybox)',
      OSType: 'linux',
      Architecture: 'i686',
      DockerRootDir: '/var/lib/docker',
    };
  }
}
