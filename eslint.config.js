// ESLint for the PWA's source (`make lint-js`). Each folder gets the globals of the place its code runs (style C1):
// the page, the matching worker, the service worker, or node (the build script and the unit tests).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['static/', 'node_modules/', '.venv/'] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // an unused parameter before a used one is fine (callbacks), and so is one named _like_this
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unreachable-loop': 'error',
      'no-throw-literal': 'error',
      'array-callback-return': ['error', { checkForEach: false }],
    },
  },
  {
    files: ['pwa/app/**/*.js', 'pwa/console/**/*.js', 'pwa/ui/**/*.js', 'pwa/lib/**/*.js'],
    ignores: ['pwa/lib/matching/worker.js'],
    languageOptions: { globals: globals.browser },
  },
  { files: ['pwa/lib/matching/worker.js'], languageOptions: { globals: globals.worker } },
  { files: ['pwa/sw/**/*.js'], languageOptions: { globals: globals.serviceworker } },
  { files: ['pwa/build.mjs', 'pwa/lib/testing/**', 'eslint.config.js'], languageOptions: { globals: globals.node } },
  // the unit tests run in node around a page's globals that pwa/lib/testing and fake-indexeddb install
  { files: ['pwa/**/*.test.mjs'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
];
