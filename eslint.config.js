import antfu from '@antfu/eslint-config'

export default antfu(
  {
    vue: true,
    typescript: true,
    // Explicit imports only; no auto-import globals.
    ignores: ['**/dist/**', 'bench/RESULTS.md', 'test-results/**', '**/*.md'],
  },
  {
    rules: {
      'no-console': 'off',
      'node/prefer-global/process': 'off',
      'node/prefer-global/buffer': 'off',
      'ts/no-explicit-any': 'off',
      'ts/method-signature-style': 'off',
      'unused-imports/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Entry-point scripts run as ES modules on Node 20: top-level await is what they are for.
    files: ['bench/**/*.ts', 'scripts/**/*.ts', 'demo-server/src/index.ts', 'demo-server/v2/index.ts'],
    rules: { 'antfu/no-top-level-await': 'off' },
  },
  {
    // The core is framework-free: fail lint on any Vue or Pinia import.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vue', 'vue/*', 'pinia', '@vue/*'] }],
    },
  },
)
