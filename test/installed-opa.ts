import { findOpa } from '../src/compiler/opa-cli.js';

/**
 * The OPA CLI the tests that compile or test Rego use, or null when none is installed (a user's clone without
 * `npm run tools`): those tests are skipped rather than failed.
 */
export function installedOpa(): string | null {
  try {
    return findOpa();
  } catch {
    return null;
  }
}
