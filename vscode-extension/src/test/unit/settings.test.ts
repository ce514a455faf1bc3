import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
    configurationNotification,
    ConfigurationSource,
    DEFAULT_SETTINGS,
    needsRestart,
    readSettings,
    RESTART_KEYS,
    serverSettingsChanged,
    Settings,
} from '../../common/settings';

interface ConfigurationProperty {
    default: unknown;
    scope?: string;
    description?: string;
    markdownDescription?: string;
}

const manifest = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'),
) as { contributes: { configuration: { properties: Record<string, ConfigurationProperty> } } };
const properties = manifest.contributes.configuration.properties;

/** Builds a configuration that, like VS Code's, prefers workspace values to user values to defaults. */
function fakeConfiguration(
    user: Record<string, unknown> = {},
    workspace: Record<string, unknown> = {},
): ConfigurationSource {
    const defaultOf = (key: string) => properties[`charseg.${key}`]?.default;
    return {
        get<T>(key: string): T | undefined {
            return (workspace[key] ?? user[key] ?? defaultOf(key)) as T | undefined;
        },
        inspect<T>(key: string) {
            return {
                defaultValue: defaultOf(key) as T,
                globalValue: user[key] as T,
                workspaceValue: workspace[key] as T,
            };
        },
    };
}

function read(user: Record<string, unknown> = {}, workspace: Record<string, unknown> = {}) {
    const warnings: string[] = [];
    const settings = readSettings(fakeConfiguration(user, workspace), (message) =>
        warnings.push(message),
    );
    return { settings, warnings };
}

function withChange(settings: Settings, key: string, value: unknown): Settings {
    const { settings: changed } = read({ ...flatten(settings), [key]: value });
    return changed;
}

function flatten(settings: Settings): Record<string, unknown> {
    return {
        'server.command': settings.launch.command,
        'server.pythonPath': settings.launch.pythonPath,
        ...settings.server,
        'decorations.enabled': settings.decorations.enabled,
        'decorations.foreignOnly': settings.decorations.foreignOnly,
        colors: settings.colors,
    };
}

describe('package.json settings', () => {
    it('declare the same defaults as the code', () => {
        const declared: Record<string, unknown> = {};
        for (const [key, property] of Object.entries(properties)) {
            declared[key.replace(/^charseg\./, '')] = property.default;
        }
        assert.deepEqual(declared, flatten(DEFAULT_SETTINGS));
    });

    it('each have a description and a scope', () => {
        for (const [key, property] of Object.entries(properties)) {
            assert.ok(property.description ?? property.markdownDescription, `${key} description`);
            assert.ok(property.scope, `${key} scope`);
        }
    });

    it('keep the launch settings machine-scoped', () => {
        assert.equal(properties['charseg.server.command']?.scope, 'machine');
        assert.equal(properties['charseg.server.pythonPath']?.scope, 'machine');
    });
});

describe('readSettings', () => {
    it('returns the defaults when nothing is set', () => {
        const { settings, warnings } = read();
        assert.deepEqual(settings, DEFAULT_SETTINGS);
        assert.deepEqual(warnings, []);
    });

    it('reads valid values', () => {
        const { settings, warnings } = read({
            'server.command': ['/opt/charseg/bin/charseg-lsp', '--stdio'],
            provider: 'cpu',
            debounceMs: 0,
            confidenceThreshold: 0,
            minRegion: 1,
            diagnosticSeverity: 'off',
            ignoreLanguages: ['sql'],
            inlayHints: 'all',
            'decorations.foreignOnly': true,
            colors: { scala: '#ff0000' },
        });
        assert.deepEqual(warnings, []);
        assert.deepEqual(settings.launch.command, ['/opt/charseg/bin/charseg-lsp', '--stdio']);
        assert.equal(settings.server.provider, 'cpu');
        assert.equal(settings.server.debounceMs, 0);
        assert.equal(settings.server.confidenceThreshold, 0);
        assert.equal(settings.server.minRegion, 1);
        assert.equal(settings.server.diagnosticSeverity, 'off');
        assert.deepEqual(settings.server.ignoreLanguages, ['sql']);
        assert.equal(settings.server.inlayHints, 'all');
        assert.equal(settings.decorations.foreignOnly, true);
        assert.deepEqual(settings.colors, { scala: '#ff0000' });
    });

    it('replaces invalid values by defaults with a warning', () => {
        const invalid: Record<string, unknown> = {
            'server.command': '/bin/charseg-lsp',
            'server.pythonPath': 3,
            provider: 'tpu',
            debounceMs: -1,
            minRegion: 0,
            confidenceThreshold: 1.5,
            diagnosticSeverity: 'fatal',
            ignoreLanguages: [1],
            maxDocumentSize: 2.5,
            inlayHints: true,
            'decorations.enabled': 'yes',
            colors: ['#fff'],
        };
        const { settings, warnings } = read(invalid);
        assert.deepEqual(settings, DEFAULT_SETTINGS);
        assert.equal(warnings.length, Object.keys(invalid).length);
        assert.match(
            warnings.join('\n'),
            /Invalid value for charseg\.provider: "tpu"\. Using the default "auto"\./,
        );
    });

    it('ignores workspace values of the launch settings', () => {
        const { settings } = read(
            {},
            { 'server.command': ['/tmp/evil'], 'server.pythonPath': '/tmp/evil-python' },
        );
        assert.deepEqual(settings.launch, DEFAULT_SETTINGS.launch);
    });

    it('reads user values of the launch settings', () => {
        const { settings } = read(
            { 'server.pythonPath': '/usr/bin/python3' },
            { 'server.pythonPath': '/tmp/evil-python' },
        );
        assert.equal(settings.launch.pythonPath, '/usr/bin/python3');
    });

    it('reads workspace values of other settings', () => {
        const { settings } = read({ minRegion: 10 }, { minRegion: 40 });
        assert.equal(settings.server.minRegion, 40);
    });
});

describe('needsRestart', () => {
    const base = read().settings;

    it('is true for each restart key', () => {
        const changes: Record<string, unknown> = {
            modelPath: '/models/other.onnx',
            provider: 'cuda',
            'server.command': ['charseg-lsp', '--stdio', '-v'],
            'server.pythonPath': '/usr/bin/python3',
        };
        assert.deepEqual(Object.keys(changes).sort(), [...RESTART_KEYS].sort());
        for (const [key, value] of Object.entries(changes)) {
            assert.equal(needsRestart(base, withChange(base, key, value)), true, key);
        }
    });

    it('is false for settings the server reloads', () => {
        for (const [key, value] of Object.entries({
            debounceMs: 50,
            minRegion: 2,
            confidenceThreshold: 0.1,
            diagnosticSeverity: 'error',
            ignoreLanguages: ['json'],
            maxDocumentSize: 10,
            inlayHints: 'off',
        })) {
            const next = withChange(base, key, value);
            assert.equal(needsRestart(base, next), false, key);
            assert.equal(serverSettingsChanged(base, next), true, key);
        }
    });

    it('ignores display settings', () => {
        const next = withChange(base, 'colors', { go: '#000' });
        assert.equal(needsRestart(base, next), false);
        assert.equal(serverSettingsChanged(base, next), false);
    });
});

describe('configurationNotification', () => {
    it('nests the server settings under charseg', () => {
        const settings = read({ minRegion: 7 }).settings;
        const notification = configurationNotification(settings);
        assert.deepEqual(notification, { settings: { charseg: settings.server } });
        assert.equal(notification.settings.charseg.minRegion, 7);
        assert.equal('command' in notification.settings.charseg, false);
    });
});
