import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {
        ignores: ['dist/', 'out/', 'node_modules/', 'e2e/node_modules/', 'e2e/results/'],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            curly: 'error',
            eqeqeq: 'error',
            'no-console': 'off',
        },
    },
    {
        // These modules hold the logic that unit tests run under plain Node, where the
        // `vscode` module does not exist.
        files: [
            'src/common/colors.ts',
            'src/common/debounce.ts',
            'src/common/languages.ts',
            'src/common/launch.ts',
            'src/common/regions.ts',
            'src/common/settings.ts',
            'src/common/trace.ts',
            'src/test/unit/**/*.ts',
        ],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    paths: [
                        { name: 'vscode', message: 'Pure modules must run without VS Code.' },
                        {
                            name: 'vscode-languageclient',
                            message: 'Pure modules must run without VS Code.',
                        },
                        {
                            name: 'vscode-languageclient/node',
                            message: 'Pure modules must run without VS Code.',
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ['e2e/**/*.mjs', 'scripts/**/*.mjs', 'esbuild.mjs'],
        languageOptions: {
            globals: {
                process: 'readonly',
                console: 'readonly',
                setTimeout: 'readonly',
                clearTimeout: 'readonly',
                URL: 'readonly',
                fetch: 'readonly',
                // Used inside page.evaluate callbacks, which run in the browser.
                getComputedStyle: 'readonly',
                navigator: 'readonly',
            },
        },
    },
);
