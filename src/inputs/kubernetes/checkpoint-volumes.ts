/**
 * Whether a pod template keeps checkpoints on durable storage: a volume named for checkpoints (or mounted at a
 * path that says so: "checkpoint", "ckpt") backed by storage that outlives the pod and its node, a
 * PersistentVolumeClaim, NFS or a CSI driver (object-storage mounts such as the GCS FUSE or Mountpoint for S3
 * drivers). An emptyDir or hostPath volume dies with a reclaimed spot node, so it does not count.
 */
import { arrayAt, isObject, stringAt, type JsonObject } from './object-shape.js';

const DURABLE_SOURCES: readonly string[] = ['persistentVolumeClaim', 'nfs', 'csi'];
const CHECKPOINT_WORDS = /checkpoint|ckpt/i;

/** Names of the pod's volumes mounted by some container at a path that names checkpoints. */
function checkpointMounts(podSpec: JsonObject): Set<string> {
  const names = new Set<string>();
  for (const list of ['containers', 'initContainers'] as const) {
    for (const container of arrayAt(podSpec, list)) {
      for (const mount of arrayAt(container, 'volumeMounts')) {
        const path = stringAt(mount, 'mountPath');
        const name = stringAt(mount, 'name');
        if (name !== null && path !== null && CHECKPOINT_WORDS.test(path)) names.add(name);
      }
    }
  }
  return names;
}

export function hasCheckpointVolume(podSpec: JsonObject): boolean {
  const mounted = checkpointMounts(podSpec);
  return arrayAt(podSpec, 'volumes').some((volume) => {
    if (!isObject(volume)) return false;
    const name = stringAt(volume, 'name');
    if (name === null || !(CHECKPOINT_WORDS.test(name) || mounted.has(name))) return false;
    return DURABLE_SOURCES.some((source) => isObject(volume[source]));
  });
}
