/**
 * The model inventory reader (YAML/JSON, schemas/inventory.schema.json) and the MLflow Model Registry
 * import. Every problem with the input is a TollgateError with file, line and column (exit code 2).
 */
export type * from '../../model/inventory.js';
export { PRECISIONS, RISK_TIERS } from '../../model/inventory.js';
export { INVENTORY_LIMITS, parseInventory, readInventoryFile } from './read-inventory.js';
export { importMlflow, type MlflowImportOptions } from './mlflow.js';
export { parseMlmodel, readMlmodel, type MlmodelMetadata } from './mlmodel.js';
export { inventoryWarnings, RESIDENCY_CLASSIFICATIONS } from './warnings.js';
