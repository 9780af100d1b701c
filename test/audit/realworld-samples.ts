/**
 * The real-world objects of the kinds the webhook judges (../shared/realworld/k8s: KServe samples, Kubewarden
 * admission requests), each with a namespace and a name of its own. `folder` is absent on machines without
 * the shared sample folder; tests then skip with a message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { JUDGED_KINDS } from '../../src/audit/judged-kinds.js';
import { parseManifests } from '../../src/inputs/kubernetes/index.js';
import type { StoredObject } from './fake-apiserver.js';

export const folder = new URL('../../../shared/realworld/k8s/', import.meta.url);

export function sampleObjects(): StoredObject[] {
  const objects: unknown[] = [];
  for (const file of readdirSync(folder).sort()) {
    const text = readFileSync(new URL(file, folder), 'utf8');
    if (file.endsWith('.json')) {
      const value = JSON.parse(text) as { request?: Record<string, unknown> } & Record<string, unknown>;
      const request = value.request ?? value;
      const operation = request['operation'];
      if (operation === 'CREATE' || operation === 'UPDATE') {
        const object = request['object'] as StoredObject;
        objects.push({ ...object, metadata: { ...object.metadata, namespace: request['namespace'] ?? object.metadata['namespace'] } });
      }
    } else {
      objects.push(...parseManifests(text, file));
    }
  }
  return objects
    .filter((object): object is StoredObject => typeof object === 'object' && object !== null && 'metadata' in object)
    .filter((object) => JUDGED_KINDS.some((kind) => kind.kind === object['kind']))
    .map((object, index) => ({
      ...object,
      metadata: {
        ...object.metadata,
        name: `sample-${index}`,
        namespace: (object.metadata['namespace'] as string | undefined) ?? 'default',
      },
    }));
}
