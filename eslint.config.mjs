import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.next/**',
      '**/.nx/**',
      '.data/**',
      '**/generated/**',
      '**/next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util', 'type:ui'],
            },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:util'] },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'],
            },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:data', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // tests/ and bench/ drive the system through its libs (any of them), never through an app's code.
            {
              sourceTag: 'type:system-tests',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:data',
                'type:util',
                'type:ui',
                'type:contract',
              ],
            },
            {
              sourceTag: 'scope:system-tests',
              onlyDependOnLibsWithTags: ['scope:web', 'scope:worker', 'scope:shared'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:worker', 'scope:shared'] },
            // libs/media is also scope:image: the web process may run its on-the-fly transforms, bounded
            // by a render gate (docs/adr/0020); web code itself still never imports sharp.
            { sourceTag: 'scope:image', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'scope:web',
              onlyDependOnLibsWithTags: ['scope:web', 'scope:shared', 'scope:image'],
              bannedExternalImports: ['sharp', 'fluent-ffmpeg', 'nodemailer'],
            },
          ],
        },
      ],
    },
  },
  {
    // @nx/enforce-module-boundaries refuses a deep import into an app, but not a bare one
    // ('@fjord/worker-db') nor a path through an app's folder: nothing reaches an app's code, apps included.
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@fjord/)?(web|cli|worker-[a-z-]+)(/|$)|(^|/)apps/',
              message: 'Apps are entrypoints: import the lib that holds this code (move it there if needed).',
            },
          ],
        },
      ],
    },
  },
  {
    // Config is parsed once in @fjord/config; everything else reads it from there.
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts'],
    ignores: ['libs/config/**', 'libs/testing/**', '**/*.test.ts', 'apps/web/next.config.ts', 'apps/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration from @fjord/config.' },
      ],
    },
  },
];
