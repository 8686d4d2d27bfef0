// Lint is part of the gate (`npm test`), with zero warnings allowed. Besides the usual
// TypeScript rules it enforces the runtime boundaries of STYLE.md: the folder is the
// runtime, and a wrong import fails the build.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'net', 'http', 'https', 'child_process', 'worker_threads', 'crypto', 'stream', 'events', 'url', 'util', 'dgram', 'tls', 'zlib'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'test/fixtures/lint/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // console.log is not logging: use electron/core/log.ts (stderr) or write to stdout on purpose.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `any` at a boundary hides what the runtime schema checks.
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // shared/ is pure: both runtimes import it, so it may import neither's world.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'shared/ is pure: no Node built-ins (it runs in the renderer too).' },
          { group: ['electron', 'electron/*'], message: 'shared/ must not import electron.' },
          { group: ['react', 'react-dom', 'react/*', 'zustand', 'uplot'], message: 'shared/ must not import UI libraries.' },
          { group: ['**/electron/**', '**/renderer/**', '../electron', '../renderer'], message: 'shared/ must not import from electron/ or renderer/.' },
        ],
      }],
    },
  },
  {
    // The core and the CLI/gateway run under plain Node: no electron import anywhere but its host.
    files: ['electron/**/*.ts'],
    ignores: ['electron/host/electron-main/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'The core runs under plain Node: only electron/host/electron-main may import electron.' },
          { group: ['**/renderer/**', 'react', 'react-dom', 'zustand', 'uplot'], message: 'electron/ must not import the renderer or UI libraries.' },
        ],
      }],
    },
  },
  {
    files: ['electron/host/electron-main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**', 'react', 'react-dom'], message: 'The Electron host must not import the renderer.' }],
      }],
    },
  },
  {
    // renderer/ is DOM only and reaches the core through the shared contract alone.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'renderer/ is DOM only: no Node built-ins.' },
          { group: ['electron', 'electron/*'], message: 'renderer/ must not import electron; use the preload API.' },
          { group: ['**/electron/**', '../electron'], message: 'renderer/ must not import from electron/; go through shared/api.' },
          { group: ['better-sqlite3', 'modbus-serial', 'ws'], message: 'renderer/ must not import Node-only libraries.' },
        ],
      }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs', 'bin/**/*.js'],
    rules: { 'no-console': 'off' },
  },
);
