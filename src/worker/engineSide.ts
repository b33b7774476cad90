/**
 * The worker's code beyond the machine itself: the engine, the builder, the
 * page's registry, the pictures' readers. The worker loads this chunk beside
 * the boot instead of before it (see vm.worker.ts), so the machine starts
 * once v86 and its host have loaded, and the engine is there when the
 * machine is up.
 */
export { Engine } from '../engine/engine';
export { ImageStore } from '../engine/images/imageStore';
export { serveConnection } from '../engine/api/routes';
export { idbImageStores } from './idbStores';
export { Registry } from '../registry/registry';
export { localTransport } from '../registry/localTransport';
export { readRegistryPicture } from '../pictures/registryPicture';
export { readNetworkPicture } from '../pictures/networkPicture';
export { publishedPorts } from '../engine/network/portBindings';
export { Builder } from '../engine/build/builder';
export { BuildContext } from '../engine/build/buildContext';
export { layerChanges } from '../engine/images/layerChanges';
export { saveImages } from '../engine/images/imageArchive';
export { evaluateSince } from '../lessons/lessonRun';
export { readNamespaces } from '../pictures/namespaces';
export { readCgroups } from '../pictures/cgroups';
export { readLayerStack } from '../pictures/layerStack';
export { measureContainer } from '../pictures/containerFigures';
