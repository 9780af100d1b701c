import { describe, expect, it } from 'vitest';
import { modelReferenceOf, parseModelReference } from '../../src/inputs/model-reference.js';

describe('model references', () => {
  it.each([
    ['fraud-detector@7', { id: 'fraud-detector', version: '7' }],
    ['assistant-70b--2', { id: 'assistant-70b', version: '2' }],
    ['assistant-70b--2024-05-01', { id: 'assistant-70b', version: '2024-05-01' }],
    ['fraud-detector', { id: 'fraud-detector', version: null }],
    ['fraud-detector@', { id: 'fraud-detector', version: null }],
    ['  ', null],
  ])('%j', (value, expected) => {
    expect(parseModelReference(value)).toEqual(expected);
  });

  it('takes the first map with a reference key, keys case-insensitive', () => {
    expect(modelReferenceOf(null, { team: 'x' }, { 'Tollgate.io/Model': 'a@1' }, { 'tollgate-model': 'b--2' })).toEqual({
      id: 'a',
      version: '1',
    });
    expect(modelReferenceOf({ 'tollgate-model': 'b--2' })).toEqual({ id: 'b', version: '2' });
    expect(modelReferenceOf({}, undefined)).toBeNull();
  });
});
