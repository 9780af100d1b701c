/**
 * MLflow's `MLmodel` file (the metadata saved beside every logged model): the flavors tell the framework.
 * Used by `inventory import-mlflow --artifacts DIR` when a version has no `tollgate.framework` tag.
 */
import { parseYamlSource, readTextFile } from '../../config/yaml-source.js';
import { TollgateError } from '../../model/errors.js';

export interface MlmodelMetadata {
  /** Flavors in file order ("python_function", "sklearn", "langchain", ...). */
  readonly flavors: readonly string[];
  /** The first flavor that is not the generic python_function wrapper; null when there is none. */
  readonly framework: string | null;
  readonly mlflowVersion: string | null;
  readonly modelUuid: string | null;
  readonly sizeBytes: number | null;
}

const MLMODEL_MAX_BYTES = 1 << 20;

export function parseMlmodel(text: string, file: string): MlmodelMetadata {
  const value = parseYamlSource(text, file).value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TollgateError('an MLmodel file is a YAML mapping', { file });
  }
  const document = value as Record<string, unknown>;
  const flavorMap = document['flavors'];
  const flavors = typeof flavorMap === 'object' && flavorMap !== null ? Object.keys(flavorMap) : [];
  const text_ = (key: string) => (typeof document[key] === 'string' ? document[key] : null);
  return {
    flavors,
    framework: flavors.find((flavor) => flavor !== 'python_function') ?? null,
    mlflowVersion: text_('mlflow_version'),
    modelUuid: text_('model_uuid'),
    sizeBytes: typeof document['model_size_bytes'] === 'number' ? document['model_size_bytes'] : null,
  };
}

export function readMlmodel(file: string): MlmodelMetadata {
  return parseMlmodel(readTextFile(file, MLMODEL_MAX_BYTES, 'MLmodel file'), file);
}
