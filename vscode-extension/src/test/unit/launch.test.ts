import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    Environment,
    findExecutable,
    isLaunchFailure,
    resolveLaunch,
    RestartPolicy,
    ServerLaunch,
} from '../../common/launch';
import { DEFAULT_SETTINGS, LaunchSettings } from '../../common/settings';

function posix(files: string[], PATH = '/usr/local/bin:/usr/bin'): Environment {
    return { PATH, platform: 'linux', isExecutable: (file) => files.includes(file) };
}

function launch(settings: Partial<LaunchSettings>, env: Environment) {
    return resolveLaunch({ ...DEFAULT_SETTINGS.launch, ...settings }, env);
}

function expectLaunch(result: ReturnType<typeof launch>): ServerLaunch {
    assert.ok(!isLaunchFailure(result), isLaunchFailure(result) ? result.message : '');
    return result;
}

describe('findExecutable', () => {
    it('searches PATH in order', () => {
        const env = posix(['/usr/bin/charseg-lsp', '/usr/local/bin/charseg-lsp']);
        assert.equal(findExecutable('charseg-lsp', env), '/usr/local/bin/charseg-lsp');
    });

    it('skips empty PATH entries', () => {
        const env = posix(['charseg-lsp', '/opt/bin/charseg-lsp'], '::/opt/bin');
        assert.equal(findExecutable('charseg-lsp', env), '/opt/bin/charseg-lsp');
    });

    it('takes a path with a separator as given', () => {
        const env = posix(['/opt/venv/bin/charseg-lsp', './venv/bin/python']);
        assert.equal(findExecutable('/opt/venv/bin/charseg-lsp', env), '/opt/venv/bin/charseg-lsp');
        assert.equal(findExecutable('./venv/bin/python', env), './venv/bin/python');
        assert.equal(findExecutable('/usr/bin/charseg-lsp', env), undefined);
    });

    it('returns undefined without PATH', () => {
        assert.equal(
            findExecutable('charseg-lsp', { platform: 'linux', isExecutable: () => true }),
            undefined,
        );
    });

    it('tries PATHEXT extensions on Windows', () => {
        const env: Environment = {
            PATH: 'C:\\Python\\Scripts;C:\\Windows',
            PATHEXT: '.COM;.EXE',
            platform: 'win32',
            isExecutable: (file) => file === 'C:\\Python\\Scripts\\charseg-lsp.EXE',
        };
        assert.equal(findExecutable('charseg-lsp', env), 'C:\\Python\\Scripts\\charseg-lsp.EXE');
        assert.equal(
            findExecutable('C:\\Python\\Scripts\\charseg-lsp', env),
            'C:\\Python\\Scripts\\charseg-lsp.EXE',
        );
    });
});

describe('resolveLaunch', () => {
    const everything = posix(['/usr/bin/charseg-lsp', '/opt/bin/server', '/usr/bin/python3']);

    it('runs charseg-lsp from PATH by default', () => {
        const result = expectLaunch(launch({}, everything));
        assert.deepEqual(result, {
            command: '/usr/bin/charseg-lsp',
            args: ['--stdio'],
            origin: 'PATH',
        });
    });

    it('prefers an explicit command', () => {
        const result = expectLaunch(
            launch(
                { command: ['/opt/bin/server', '--stdio', '-v'], pythonPath: '/usr/bin/python3' },
                everything,
            ),
        );
        assert.deepEqual(result, {
            command: '/opt/bin/server',
            args: ['--stdio', '-v'],
            origin: 'charseg.server.command',
        });
    });

    it('runs the module with pythonPath', () => {
        const result = expectLaunch(launch({ pythonPath: 'python3' }, everything));
        assert.deepEqual(result, {
            command: '/usr/bin/python3',
            args: ['-m', 'charseg_server.lsp', '--stdio'],
            origin: 'charseg.server.pythonPath',
        });
    });

    it('treats an empty command as unset', () => {
        const result = expectLaunch(launch({ command: [''] }, everything));
        assert.equal(result.origin, 'PATH');
    });

    it('names what is missing', () => {
        const nothing = posix([]);
        const cases: [Partial<LaunchSettings>, RegExp][] = [
            [{}, /"charseg-lsp" was not found on PATH/],
            [
                { command: ['/opt/bin/missing'] },
                /"\/opt\/bin\/missing" from charseg\.server\.command/,
            ],
            [{ pythonPath: '/opt/python' }, /"\/opt\/python" from charseg\.server\.pythonPath/],
        ];
        for (const [settings, message] of cases) {
            const result = launch(settings, nothing);
            assert.ok(isLaunchFailure(result), JSON.stringify(settings));
            assert.match(result.message, message);
        }
    });
});

describe('RestartPolicy', () => {
    it('allows a limited number of restarts in the window', () => {
        const policy = new RestartPolicy(2, 1000);
        assert.equal(policy.shouldRestart(0), true);
        assert.equal(policy.shouldRestart(10), true);
        assert.equal(policy.shouldRestart(20), false);
        assert.equal(policy.shouldRestart(1011), true);
    });

    it('starts over after reset', () => {
        const policy = new RestartPolicy(1, 1000);
        assert.equal(policy.shouldRestart(0), true);
        assert.equal(policy.shouldRestart(1), false);
        policy.reset();
        assert.equal(policy.shouldRestart(2), true);
    });
});
