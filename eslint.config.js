// Lint rules, including the layer rule of DESIGN.md made mechanical: each folder may import only
// the layers below it, so a wrong arrow fails CI instead of waiting for a review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'stream', 'worker_threads'];

export default tseslint.config(
  {
    ignores: ['node_modules/', '.runtime/', 'dist/', 'out/', 'coverage/', 'test-results/', 'bench-results/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  layer(
    ['shared/**/*.ts'],
    ['**/electron/**', '**/renderer/**', 'electron', ...NODE_BUILTINS],
    'shared/ runs anywhere: it imports no Node, DOM host or app layer.',
  ),
  layer(
    ['electron/base/**/*.ts'],
    ['electron', '**/engine/**', '**/server/**', '**/host/**', '**/main/**', '**/cli/**', '**/renderer/**'],
    'electron/base is the Node floor every Node layer may use: it imports only shared/ and Node.',
  ),
  layer(
    ['electron/engine/**/*.ts'],
    ['electron', '**/main/**', '**/cli/**', '**/host/**', '**/server/**', '**/renderer/**'],
    'The engine never imports electron, the hosts (host, main, cli) or the reference server.',
  ),
  layer(
    ['electron/server/**/*.ts'],
    ['electron', '**/main/**', '**/cli/**', '**/host/**', '**/engine/**', '**/renderer/**'],
    'The reference server stands alone: it imports only shared/ and the Node floor (base/).',
  ),
  layer(
    ['electron/host/**/*.ts'],
    ['electron', '**/main/**', '**/cli/**', '**/renderer/**', '**/preload/**'],
    'The app core every host shares: it may use engine, server and shared, never Electron or a host.',
  ),
  layer(
    ['electron/cli/**/*.ts'],
    ['electron', '**/main/**', '**/renderer/**'],
    'The CLI is a host: it may use engine, server and shared, never Electron main.',
  ),
  // Desktop shell (issue 10): main sits on host, shared and base; the preload sees only electron and
  // the bridge contract; host never reaches up into Electron or the hosts built on it.
  layer(
    ['electron/main/**/*.ts'],
    ['**/cli/**', '**/renderer/**', '**/engine/**', '**/server/**', '**/preload/**'],
    'Electron main imports host (and what it exports), shared and base; never the CLI or the renderer.',
  ),
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Anything above the preload's folder except shared/bridge/.
              regex: '^\\.\\./(?!\\.\\./shared/bridge/)',
              message: 'The preload imports only electron and the bridge contract in shared/bridge/.',
            },
            {
              group: NODE_BUILTINS,
              message: 'The preload imports only electron and the bridge contract in shared/bridge/.',
            },
          ],
        },
      ],
    },
  },
  {
    // electron-builder loads its hooks with require(): scripts/electron-fuses.cjs is CommonJS.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', exports: 'writable', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  layer(
    ['electron/host/**/*.ts'],
    ['electron', '**/main/**', '**/cli/**', '**/renderer/**', '**/preload/**'],
    'host/ is shared by every host: it never imports electron, main, the CLI or the renderer.',
  ),
  layer(
    ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ['**/electron/**', 'electron', ...NODE_BUILTINS],
    'The renderer sees only shared/.',
  ),
);
