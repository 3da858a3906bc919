// Lint, including the layering rules that keep each runtime's code apart:
//   common/    runs everywhere: no Node, no Electron, no DOM libraries
//   renderer/  a web page: no Node, no Electron, nothing from electron/
//   electron/  main process + preload: no React/Dexie, nothing from renderer/
//   electron/services, electron/browser-mode: plain Node, so no runtime import of 'electron'
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const nodeBuiltinPaths = [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`)];
const into = (folder) => `(^|/)${folder}/`;

const restrict = ({ paths = [], patterns = [] }) => ['error', { paths, patterns }];
const noNode = (why) => nodeBuiltinPaths.map((name) => ({ name, message: why }));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render text, never HTML: remarks and server messages may contain markup.' },
      ],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict({
        paths: [
          ...noNode('common/ runs in every process; Node modules belong in electron/.'),
          ...['electron', 'react', 'react-dom', 'dexie', 'dexie-react-hooks', 'sharp', 'ws'].map((name) => ({ name, message: 'common/ must not depend on a runtime-specific library.' })),
        ],
        patterns: [{ regex: `${into('electron')}|${into('renderer')}`, message: 'common/ must not import process-specific code.' }],
      }),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict({
        paths: [
          ...noNode('The renderer is a sandboxed web page: ask the main process through the bridge.'),
          ...['electron', 'sharp', 'ws'].map((name) => ({ name, message: 'The renderer is a sandboxed web page: ask the main process through the bridge.' })),
        ],
        patterns: [{ regex: into('electron'), message: 'The renderer reaches main-process code only through the bridge (common/bridge).' }],
      }),
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict({
        paths: ['react', 'react-dom', 'dexie', 'dexie-react-hooks'].map((name) => ({ name, message: 'Main-process code must not use DOM/renderer libraries.' })),
        patterns: [{ regex: into('renderer'), message: 'Main-process code must not import renderer code.' }],
      }),
    },
  },
  {
    files: ['electron/services/**/*.ts', 'electron/browser-mode/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Services run in plain Node (browser mode, tests): take Electron features as parameters from electron/main.', allowTypeImports: true },
            ...['react', 'react-dom', 'dexie', 'dexie-react-hooks'].map((name) => ({ name, message: 'Main-process code must not use DOM/renderer libraries.' })),
          ],
          patterns: [{ regex: into('renderer'), message: 'Main-process code must not import renderer code.' }],
        },
      ],
    },
  },
  {
    files: ['emulators/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict({
        paths: ['electron', 'react', 'react-dom', 'dexie'].map((name) => ({ name, message: 'Emulators are stand-alone servers.' })),
        patterns: [{ regex: `${into('electron')}|${into('renderer')}`, message: 'Emulators must not depend on the app: they stand in for real servers.' }],
      }),
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', '*.config.*'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
  {
    // Playwright fixtures must destructure their (possibly empty) dependencies.
    files: ['test/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
);
