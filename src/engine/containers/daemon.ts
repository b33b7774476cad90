/**
 * What the verbs on containers share (moby's Daemon struct, which its verb
 * files hang off): the guest, the stores and the services. The Engine
 * facade builds one; each verb group takes the parts it needs from it.
 */
import type { EventLog } from '../events';
import type { Guest } from '../guest';
import type { ImageService } from '../images/imageService';
import type { NetworkService } from '../network/networkService';
import type { CgroupParent } from '../runtime/cgroupParent';
import type { OutputHub } from './attach';
import type { StartLog } from './startLog';
import type { ContainerStore } from './store';

export interface Daemon {
  readonly guest: Guest;
  readonly events: EventLog;
  readonly containers: ContainerStore;
  readonly images: ImageService;
  readonly network: NetworkService;
  readonly output: OutputHub;
  readonly cgroups: CgroupParent;
  readonly starts: StartLog;
}
