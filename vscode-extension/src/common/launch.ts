/**
 * Server process lookup and start-up, and the rule for restarting a crashed server.
 */
import * as path from 'node:path';
import { LaunchSettings } from './settings';

/** Program searched on PATH when no launch setting is given. */
export const SERVER_PROGRAM = 'charseg-lsp';
/** Module run with `python -m` when `charseg.server.pythonPath` is set. */
export const SERVER_MODULE = 'charseg_server.lsp';

export interface ServerLaunch {
    readonly command: string;
    readonly args: readonly string[];
    /** Setting that chose the command, named in the log and in error messages. */
    readonly origin: 'charseg.server.command' | 'charseg.server.pythonPath' | 'PATH';
}

export interface LaunchFailure {
    /** Message for the user: what is missing and how to fix it. */
    readonly message: string;
}

/** Machine facts that the lookup may use. */
export interface Environment {
    readonly PATH?: string | undefined;
    /** Windows' executable extensions, for example ".COM;.EXE;.BAT;.CMD". */
    readonly PATHEXT?: string | undefined;
    readonly platform: NodeJS.Platform;
    /** Returns whether a file exists and may be executed. */
    isExecutable(file: string): boolean;
}

/**
 * Finds `program` the way a shell would: as given when it contains a directory
 * separator, otherwise in each PATH entry (with each PATHEXT extension on Windows).
 */
export function findExecutable(program: string, env: Environment): string | undefined {
    const pathModule = env.platform === 'win32' ? path.win32 : path.posix;
    const extensions =
        env.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
    const candidates = (base: string) => extensions.map((extension) => base + extension);
    if (program.includes('/') || (env.platform === 'win32' && program.includes('\\'))) {
        return candidates(program).find((file) => env.isExecutable(file));
    }
    const delimiter = env.platform === 'win32' ? ';' : ':';
    for (const directory of (env.PATH ?? '').split(delimiter)) {
        if (!directory) {
            continue;
        }
        const found = candidates(pathModule.join(directory, program)).find((file) =>
            env.isExecutable(file),
        );
        if (found) {
            return found;
        }
    }
    return undefined;
}

/** Chooses the server command from the launch settings and checks that it exists. */
export function resolveLaunch(
    settings: LaunchSettings,
    env: Environment,
): ServerLaunch | LaunchFailure {
    const [program, ...args] = settings.command;
    if (program !== undefined && program !== '') {
        const command = findExecutable(program, env);
        if (!command) {
            return {
                message:
                    `The charseg language server command "${program}" from ` +
                    'charseg.server.command was not found or is not executable.',
            };
        }
        return { command, args, origin: 'charseg.server.command' };
    }
    if (settings.pythonPath !== '') {
        const command = findExecutable(settings.pythonPath, env);
        if (!command) {
            return {
                message:
                    `The Python interpreter "${settings.pythonPath}" from ` +
                    'charseg.server.pythonPath was not found or is not executable.',
            };
        }
        return {
            command,
            args: ['-m', SERVER_MODULE, '--stdio'],
            origin: 'charseg.server.pythonPath',
        };
    }
    const command = findExecutable(SERVER_PROGRAM, env);
    if (!command) {
        return {
            message:
                `The charseg language server "${SERVER_PROGRAM}" was not found on PATH. ` +
                'Install charseg, or set charseg.server.command or ' +
                'charseg.server.pythonPath in your user settings.',
        };
    }
    return { command, args: ['--stdio'], origin: 'PATH' };
}

export function isLaunchFailure(value: ServerLaunch | LaunchFailure): value is LaunchFailure {
    return 'message' in value;
}

/**
 * Allows restarting a crashed server up to `maxRestarts` times within `windowMs`, so a
 * server that fails at every start is given up on instead of restarted forever.
 */
export class RestartPolicy {
    private readonly restarts: number[] = [];

    constructor(
        private readonly maxRestarts = 4,
        private readonly windowMs = 3 * 60 * 1000,
    ) {}

    /** Records a crash at `now` (milliseconds) and returns whether to restart. */
    shouldRestart(now: number): boolean {
        while (this.restarts.length > 0 && now - (this.restarts[0] ?? now) > this.windowMs) {
            this.restarts.shift();
        }
        if (this.restarts.length >= this.maxRestarts) {
            return false;
        }
        this.restarts.push(now);
        return true;
    }

    reset(): void {
        this.restarts.length = 0;
    }
}
