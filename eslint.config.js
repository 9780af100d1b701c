// ESLint: typescript-eslint's strict, type-aware presets over everything tsconfig.json compiles.
// Formatting is Prettier's job (.prettierrc.json); nothing here is about layout.
// Every rule that is switched off or loosened says why.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'coverage/',
      '.tools/',
      '.tollgate-cache/',
      '.tollgate/',
      '.scratch/',
      'bench/out/',
      'policies/',
      'fixtures/',
      'src/config/generated/',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // `record['key']` on index signatures is the house style (what TypeScript's noPropertyAccessFromIndexSignature
      // asks for): the brackets say the key may be absent. Dot access is still required for declared properties.
      '@typescript-eslint/dot-notation': ['error', { allowIndexSignaturePropertyAccess: true }],
      // `T[]` for simple element types, `Array<{ ... }>` / `ReadonlyArray<...>` for complex ones, as the code is written.
      '@typescript-eslint/array-type': ['error', { default: 'array-simple', readonly: 'array-simple' }],
      // `(x) => resolve(x)` callbacks and `return send(...)` early exits from void functions are idiomatic; a void
      // value used anywhere else is still reported.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // `const { dropped: _dropped, ...rest } = value` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Control characters in regexes are the point here: output sanitising strips terminal escapes and bidi
      // controls, and the tests assert that hostile input containing them is neutralised.
      'no-control-regex': 'off',
      // Numbers and booleans print unambiguously in messages (counts, ports, exit codes, flags); objects,
      // nullish values and `never` still must be converted on purpose.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Plain JavaScript (bin/, bench/*.mjs, this file) is outside tsconfig.json, so it gets the syntax rules only.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    // Node ESM entry points; the few globals they use, declared here rather than pulling in a globals package.
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } },
  },
);
