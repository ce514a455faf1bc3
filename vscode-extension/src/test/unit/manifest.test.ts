import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RESTART_KEYS } from '../../common/settings';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('package.json manifest', () => {
    it('restricts the program-choosing settings in untrusted workspaces', () => {
        const untrusted = manifest.capabilities.untrustedWorkspaces;
        assert.equal(untrusted.supported, 'limited');
        for (const key of [
            'charseg.server.command',
            'charseg.server.pythonPath',
            'charseg.modelPath',
        ]) {
            assert.ok(untrusted.restrictedConfigurations.includes(key), key);
        }
    });

    it('contributes every command the extension registers', () => {
        const source = fs.readFileSync(path.join(root, 'src/extension.ts'), 'utf8');
        const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map(
            (match) => match[1],
        );
        const contributed = manifest.contributes.commands.map(
            (command: { command: string }) => command.command,
        );
        assert.deepEqual([...registered].sort(), [...contributed].sort());
        assert.deepEqual([...contributed].sort(), [
            'charseg.restartServer',
            'charseg.showOutput',
            'charseg.showRegions',
            'charseg.toggleDecorations',
        ]);
    });

    it('declares every restart key as a setting', () => {
        for (const key of RESTART_KEYS) {
            assert.ok(manifest.contributes.configuration.properties[`charseg.${key}`], key);
        }
    });

    it('targets VS Code 1.100 with matching types', () => {
        assert.equal(manifest.engines.vscode, '^1.100.0');
        assert.match(manifest.devDependencies['@types/vscode'], /^1\.100\./);
    });
});
