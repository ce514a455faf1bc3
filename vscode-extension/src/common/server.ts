/**
 * Lifecycle of the language client: start, stop, restart, crash handling, and the one
 * error message the user sees when the server cannot run.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
    CloseAction,
    CloseHandlerResult,
    DidChangeConfigurationNotification,
    ErrorAction,
    ErrorHandlerResult,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    ServerOptions,
    State,
} from 'vscode-languageclient/node';
import { isLaunchFailure, resolveLaunch, RestartPolicy, ServerLaunch } from './launch';
import { logError, logInfo, logWarning, showLog } from './log';
import { REGIONS_METHOD } from './regions';
import { configurationNotification, SECTION, Settings } from './settings';
import { TraceWriter } from './trace';

export type ServerState = 'stopped' | 'starting' | 'running' | 'failed';

export interface ServerEvents {
    onRegions(payload: unknown): void;
    onStateChange(state: ServerState): void;
}

const SHOW_LOG = 'Show Log';
const INSTALL_INSTRUCTIONS = 'Install Instructions';

/** A language client that reports fatal errors through `onFatalError` instead of its own pop-up. */
class CharsegLanguageClient extends LanguageClient {
    constructor(
        serverOptions: ServerOptions,
        clientOptions: LanguageClientOptions,
        private readonly onFatalError: (message: string) => void,
    ) {
        super('charseg', 'charseg', serverOptions, clientOptions);
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override error(message: string, data?: any, showNotification?: boolean | 'force'): void {
        super.error(message, data, false);
        if (showNotification === 'force') {
            this.onFatalError(message);
        }
    }
}

export class ServerController implements vscode.Disposable {
    private client: CharsegLanguageClient | undefined;
    /** Serializes start and stop, so a restart never overlaps another one. */
    private queue: Promise<void> = Promise.resolve();
    private readonly restartPolicy = new RestartPolicy();
    private failureShown = false;
    /** The restart that is queued or stopping the old server, and the settings it will use. */
    private pendingRestart: Promise<void> | undefined;
    private restartSettings: Settings | undefined;
    /** The settings last sent to the server, also returned for its configuration requests. */
    private settings: Settings | undefined;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly channel: vscode.LogOutputChannel,
        private readonly events: ServerEvents,
        private readonly trace: TraceWriter,
    ) {}

    start(settings: Settings): Promise<void> {
        return this.enqueue(() => this.startNow(settings));
    }

    stop(): Promise<void> {
        return this.enqueue(() => this.stopNow());
    }

    /**
     * Stops the server if it runs and starts it again, forgetting earlier crashes.
     *
     * Requests that arrive before the queued restart starts its new server join it, and
     * the new server gets the latest of their settings.
     */
    restart(settings: Settings): Promise<void> {
        this.restartSettings = settings;
        if (this.pendingRestart) {
            return this.pendingRestart;
        }
        const restart = this.enqueue(async () => {
            await this.stopNow();
            const latest = this.restartSettings ?? settings;
            this.pendingRestart = undefined;
            this.restartSettings = undefined;
            this.restartPolicy.reset();
            this.failureShown = false;
            await this.startNow(latest);
        });
        this.pendingRestart = restart;
        return restart;
    }

    /** Sends the settings the server reads through `workspace/didChangeConfiguration`. */
    async notifyConfiguration(settings: Settings): Promise<void> {
        this.settings = settings;
        if (this.pendingRestart) {
            // The restarted server must not start with the settings from before this change.
            this.restartSettings = settings;
        }
        if (!this.client?.isRunning()) {
            return;
        }
        await this.client.sendNotification(
            DidChangeConfigurationNotification.type,
            configurationNotification(settings),
        );
    }

    /** Requests the current regions of a document; undefined while no server runs. */
    async requestRegions(uri: string): Promise<unknown> {
        if (!this.client?.isRunning()) {
            return undefined;
        }
        return this.client.sendRequest(REGIONS_METHOD, { textDocument: { uri } });
    }

    dispose(): void {
        void this.stop();
    }

    private enqueue(task: () => Promise<void>): Promise<void> {
        this.queue = this.queue.then(task, task);
        return this.queue;
    }

    private async startNow(settings: Settings): Promise<void> {
        const launch = resolveLaunch(settings.launch, {
            PATH: process.env.PATH,
            PATHEXT: process.env.PATHEXT,
            platform: process.platform,
            isExecutable,
        });
        if (isLaunchFailure(launch)) {
            logError(launch.message);
            this.events.onStateChange('failed');
            this.showFailure(launch.message);
            return;
        }
        logInfo(`Starting ${describeLaunch(launch)} (from ${launch.origin})`);
        this.trace('launch', { command: launch.command, args: launch.args });
        this.settings = settings;
        this.events.onStateChange('starting');
        const client = this.createClient(launch, settings);
        this.client = client;
        try {
            await client.start();
        } catch (error) {
            logError('The charseg language server failed to start', error);
            this.events.onStateChange('failed');
            this.showFailure(
                `The charseg language server (${describeLaunch(launch)}) failed to start. ` +
                    'The log shows its error output.',
            );
            return;
        }
        logInfo(`The charseg language server is running (${describeLaunch(launch)})`);
    }

    private async stopNow(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (!client) {
            return;
        }
        try {
            if (client.needsStop()) {
                await client.stop(5000);
            }
        } catch (error) {
            logWarning(`Stopping the language server failed: ${String(error)}`);
        } finally {
            await client.dispose().catch(() => undefined);
            this.events.onStateChange('stopped');
        }
    }

    private createClient(launch: ServerLaunch, settings: Settings): CharsegLanguageClient {
        const serverOptions: ServerOptions = {
            command: launch.command,
            args: [...launch.args],
            // Not the workspace: `python -m` puts its working directory first on sys.path,
            // so a workspace folder could shadow the server's modules.
            options: { cwd: this.context.extensionPath, env: process.env },
        };
        const clientOptions: LanguageClientOptions = {
            documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
            outputChannel: this.channel,
            traceOutputChannel: this.channel,
            revealOutputChannelOn: RevealOutputChannelOn.Never,
            initializationOptions: settings.server,
            errorHandler: {
                error: (error, _message, count): ErrorHandlerResult => {
                    logError('Language server connection error', error);
                    const action =
                        count !== undefined && count <= 3
                            ? ErrorAction.Continue
                            : ErrorAction.Shutdown;
                    return { action, handled: true };
                },
                closed: (): CloseHandlerResult => this.handleServerExit(launch),
            },
            middleware: {
                handleDiagnostics: (uri, diagnostics, next) => {
                    this.trace('diagnostics', { uri: uri.toString(), count: diagnostics.length });
                    next(uri, diagnostics);
                },
                workspace: {
                    // Return the validated server settings for the charseg section, so
                    // the server never receives the launch, colour or decoration settings.
                    configuration: async (params, token, next) => {
                        const result = await next(params, token);
                        if (!Array.isArray(result)) {
                            return result;
                        }
                        return params.items.map((item, index) =>
                            item.section === SECTION && this.settings
                                ? this.settings.server
                                : result[index],
                        );
                    },
                },
            },
        };
        const client = new CharsegLanguageClient(serverOptions, clientOptions, (message) => {
            this.events.onStateChange('failed');
            this.showFailure(`charseg: ${message}`);
        });
        client.onDidChangeState(({ newState }) => {
            if (newState === State.Running) {
                this.events.onStateChange('running');
            } else if (newState === State.Starting) {
                this.events.onStateChange('starting');
            }
        });
        client.onNotification(REGIONS_METHOD, (payload: unknown) => {
            this.events.onRegions(payload);
        });
        return client;
    }

    private handleServerExit(launch: ServerLaunch): CloseHandlerResult {
        if (this.restartPolicy.shouldRestart(Date.now())) {
            logWarning('The charseg language server exited; restarting it.');
            this.events.onStateChange('starting');
            return { action: CloseAction.Restart, handled: true };
        }
        const message =
            `The charseg language server (${describeLaunch(launch)}) exited repeatedly ` +
            'and was not restarted. The log shows its error output; ' +
            'run "charseg: Restart Server" to try again.';
        logError(message);
        this.events.onStateChange('failed');
        this.showFailure(message);
        return { action: CloseAction.DoNotRestart, handled: true };
    }

    /** Shows one error message per start attempt, with buttons for the log and the README. */
    private showFailure(message: string): void {
        if (this.failureShown) {
            return;
        }
        this.failureShown = true;
        void vscode.window
            .showErrorMessage(message, SHOW_LOG, INSTALL_INSTRUCTIONS)
            .then((choice) => {
                if (choice === SHOW_LOG) {
                    showLog();
                } else if (choice === INSTALL_INSTRUCTIONS) {
                    void openInstallInstructions(this.context);
                }
            });
    }
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

function describeLaunch(launch: ServerLaunch): string {
    return [launch.command, ...launch.args].join(' ');
}

/** Opens the README shipped with the extension, whose first section covers the server. */
async function openInstallInstructions(context: vscode.ExtensionContext): Promise<void> {
    const readme = vscode.Uri.joinPath(context.extensionUri, 'README.md');
    try {
        await vscode.commands.executeCommand('markdown.showPreview', readme);
    } catch {
        await vscode.window.showTextDocument(readme);
    }
}
