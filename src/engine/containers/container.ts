/** A container's record, shaped after the parts of Docker's inspect output it fills. */
import type { Digest } from '../images/digest';
import type { Step } from '../runtime/containerPlan';
import type { PortBindings } from '../network/portBindings';
import type { SecurityHostConfig } from '../runtime/security';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'exited' | 'removing';

export interface ContainerConfig {
  Image: string;
  Cmd: string[];
  Entrypoint: string[] | null;
  Env: string[];
  WorkingDir: string;
  User: string;
  Hostname: string;
  Labels: Record<string, string>;
  Tty: boolean;
  OpenStdin: boolean;
}

/** CapAdd, CapDrop, Privileged, SecurityOpt, Init, IpcMode, PidMode: see runtime/security.ts. */
export interface HostConfig extends SecurityHostConfig {
  Memory: number;
  NanoCpus: number;
  PidsLimit: number | null;
  /** bridge (the default), host, none, or a user-defined network's name */
  NetworkMode: string;
  /** -p, as asked for: "80/tcp" → host ip and port ("" for any free one). */
  PortBindings: PortBindings;
  UsernsMode: '' | 'host' | 'private';
  AutoRemove: boolean;
  /** -v, as Docker's Binds: "src:dst[:ro]", src a guest path or a volume name */
  Binds: string[];
}

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  /** Frozen by `docker pause` (cgroup.freeze): still running, not scheduled. */
  Paused: boolean;
  Pid: number;
  ExitCode: number;
  OOMKilled: boolean;
  StartedAt: string;
  FinishedAt: string;
  Error: string;
}

export interface Container {
  Id: string;
  Name: string;
  Created: string;
  /** The image id (config digest). */
  Image: Digest;
  Config: ContainerConfig;
  HostConfig: HostConfig;
  State: ContainerState;
  /** Guest paths of the image layers, topmost first. */
  layers: string[];
  /** The steps that made (or will make) this container, for the UI to show. */
  plan: Step[];
  /** Resolves when the running container's first process ends. */
  exited?: Promise<number>;
  /** With -t or -i: the first process's input (keystrokes for its terminal with -t). */
  input?: { write(data: Uint8Array): void; closeStdin(): void };
  /** The builder's COPY containers: a guest binary run as the command, fed on stdin. */
  hostExec?: string;
  pipeStdin?: boolean;
  /** The host ports bound while it runs (PortBindings with the free ports chosen). */
  ports?: PortBindings;
  /** The terminal size to start with (from the client's resize before start). */
  ttySize?: { rows: number; cols: number };
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';
