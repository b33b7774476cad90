import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// Shell text for the guest is built by the quoting helper, sh`…` (src/engine/shell.ts), which quotes every
// value it is given. These catch the other ways a value could be pasted into a script unquoted.
const SHELL_TEXT = 'a script for the guest is built with sh`…` from src/engine/shell.ts, which quotes every value';
const pasted = (where) => [
  { selector: `${where} > TemplateLiteral[expressions.length>0]`, message: SHELL_TEXT },
  { selector: `${where} > BinaryExpression[operator='+']`, message: SHELL_TEXT },
];
const shellSyntax = [
  // sh(guest, `…${x}`), vm.channel.sh(`…${x}`), ['/bin/sh', '-c', `…${x}`], raw(`…${x}`)
  ...pasted("CallExpression[callee.name='sh']"),
  ...pasted("CallExpression[callee.property.name='sh']"),
  ...pasted("ArrayExpression[elements.0.value='/bin/sh']"),
  ...pasted("CallExpression[callee.name='raw']"),
];

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'public/vm/', 'vm-image/.build/', '.lab/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // It flags every `new URL(...)`, also ones never mutated (worker and asset URLs).
      'svelte/prefer-svelte-reactivity': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte', 'scripts/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...shellSyntax] },
  },
  {
    // In the engine a script is a Script: guest.ts alone turns one into /bin/sh -c.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts', 'src/engine/guest.ts', 'src/engine/testing/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...shellSyntax,
        {
          selector: "ArrayExpression[elements.length>2][elements.0.value='/bin/sh'][elements.1.value='-c']",
          message: 'run a script with runScript/execScript/spawnScript (guest.ts) and sh`…`',
        },
      ],
    },
  },
  {
    // The engine must stay runnable anywhere: no DOM, no v86, no worker, no UI.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['v86', '**/vm/*', '**/worker/*', '**/ui/*', 'node:*', 'svelte*', '@xterm/*', 'comlink'] },
            {
              group: ['**/guest'],
              importNames: ['sh'],
              message: 'the engine runs scripts it builds: runScript(guest, sh`…`)',
            },
          ],
        },
      ],
    },
  },
);
