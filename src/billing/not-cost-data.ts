import { TollgateError } from '../model/errors.js';

/** A file that holds no cost data (documentation, schema metadata): named as such, never half-imported. */
export class NotCostDataError extends TollgateError {}
