// Starts an isolated code-server with the packaged extension installed, and stops it.
// Everything it writes (settings, logs, sockets, XDG folders) stays in one temporary
// folder, and it listens on 127.0.0.1 only.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CODE_SERVER = path.join(
    here,
    'node_modules',
    'code-server',
    'out',
    'node',
    'entry.js',
);

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
    const server = net.createServer();
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    return port;
}

/** Creates the folder layout for one run and returns its paths. */
export function createLayout(root) {
    const layout = {
        root,
        userData: path.join(root, 'user-data'),
        extensions: path.join(root, 'extensions'),
        workspace: path.join(root, 'workspace'),
        home: path.join(root, 'home'),
        tmp: path.join(root, 'tmp'),
        config: path.join(root, 'config.yaml'),
        log: path.join(root, 'code-server.log'),
        trace: path.join(root, 'trace.jsonl'),
    };
    for (const folder of [
        layout.userData,
        layout.extensions,
        layout.workspace,
        layout.home,
        layout.tmp,
    ]) {
        fs.mkdirSync(folder, { recursive: true });
    }
    fs.writeFileSync(layout.config, 'auth: none\ncert: false\n');
    return layout;
}

/** Writes `settings` as JSON to `<user data>/<scope>/settings.json` (scope User or Machine). */
export function writeSettings(layout, scope, settings) {
    const folder = path.join(layout.userData, scope);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'settings.json'), JSON.stringify(settings, null, 2));
}

function environment(layout, extra) {
    return {
        ...process.env,
        HOME: layout.home,
        XDG_CONFIG_HOME: path.join(layout.home, '.config'),
        XDG_DATA_HOME: path.join(layout.home, '.local', 'share'),
        XDG_CACHE_HOME: path.join(layout.home, '.cache'),
        TMPDIR: layout.tmp,
        // An empty gallery keeps code-server from contacting a marketplace.
        EXTENSIONS_GALLERY: '{}',
        ...extra,
    };
}

function commonArguments(layout) {
    return [
        '--config',
        layout.config,
        '--user-data-dir',
        layout.userData,
        '--extensions-dir',
        layout.extensions,
        '--disable-telemetry',
        '--disable-update-check',
    ];
}

/** Installs a .vsix into the run's extensions folder; throws with code-server's output on failure. */
export function installExtension(layout, vsix) {
    const result = spawnSync(
        process.execPath,
        [CODE_SERVER, ...commonArguments(layout), '--install-extension', vsix],
        { env: environment(layout, {}), encoding: 'utf8', timeout: 120_000 },
    );
    if (result.status !== 0) {
        throw new Error(
            `code-server --install-extension ${vsix} failed (status ${result.status}):\n` +
                `${result.stdout}\n${result.stderr}`,
        );
    }
    return result.stdout;
}

/**
 * Starts code-server in its own process group on a free loopback port, and waits until
 * /healthz responds. Returns { url, stop }.
 */
export async function startCodeServer(layout, extraEnvironment, timeoutMs = 60_000) {
    const port = await freePort();
    const output = fs.openSync(layout.log, 'a');
    const child = spawn(
        process.execPath,
        [
            CODE_SERVER,
            ...commonArguments(layout),
            '--auth',
            'none',
            '--bind-addr',
            `127.0.0.1:${port}`,
            '--disable-workspace-trust',
            '--disable-getting-started-override',
            '--ignore-last-opened',
            layout.workspace,
        ],
        {
            env: environment(layout, extraEnvironment),
            detached: true,
            stdio: ['ignore', output, output],
        },
    );
    fs.closeSync(output);
    let exited = null;
    child.once('exit', (code, signal) => {
        exited = { code, signal };
    });

    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (exited) {
            throw new Error(
                `code-server exited early (${JSON.stringify(exited)}); see ${layout.log}`,
            );
        }
        try {
            const response = await fetch(`${url}/healthz`);
            if (response.ok) {
                break;
            }
        } catch {
            // Not listening yet.
        }
        if (Date.now() > deadline) {
            await stopProcessGroup(child);
            throw new Error(`code-server did not respond at ${url}/healthz within ${timeoutMs} ms`);
        }
        await sleep(250);
    }
    return { url, stop: () => stopProcessGroup(child) };
}

/** Sends SIGTERM to the child's process group, then SIGKILL if it is still there after 5 s. */
async function stopProcessGroup(child) {
    if (child.exitCode !== null || child.signalCode !== null) {
        return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
        process.kill(-child.pid, 'SIGTERM');
    } catch {
        return;
    }
    const timer = sleep(5000).then(() => 'timeout');
    if ((await Promise.race([exited, timer])) === 'timeout') {
        try {
            process.kill(-child.pid, 'SIGKILL');
        } catch {
            // Already gone.
        }
        await exited;
    }
}

/** Returns the paths of every file under `folder` whose name matches `pattern`. */
export function findFiles(folder, pattern) {
    if (!fs.existsSync(folder)) {
        return [];
    }
    const found = [];
    for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
        if (entry.isFile() && pattern.test(entry.name)) {
            found.push(path.join(entry.parentPath ?? entry.path, entry.name));
        }
    }
    return found;
}
