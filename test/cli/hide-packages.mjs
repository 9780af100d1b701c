// Loaded with `node --import`: the packages named in HIDE_PACKAGES (comma-separated) cannot be resolved, as after
// `npm install --omit=optional`. A module resolve hook, so `import()` and `import.meta.resolve` both see it.
import { register } from 'node:module';

const hook = `
const hidden = new Set(${JSON.stringify((process.env.HIDE_PACKAGES ?? '').split(',').filter(Boolean))});
export async function resolve(specifier, context, next) {
  if (hidden.has(specifier)) {
    const error = new Error("Cannot find package '" + specifier + "'");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
