/** Entry point: wires the language client, the region display and the commands together. */
import * as vscode from 'vscode';
import { resolvePalette } from './common/colors';
import { debounce } from './common/debounce';
import { createLogChannel, logInfo, logWarning, showLog } from './common/log';
import { pickRegion } from './common/picker';
import { RegionPresenter } from './common/presenter';
import { ServerController, ServerState } from './common/server';
import {
    needsRestart,
    readSettings,
    SECTION,
    serverSettingsChanged,
    Settings,
} from './common/settings';
import { StatusView } from './common/status';
import { createTraceWriter, TRACE_FILE_VARIABLE } from './common/trace';

/** Delay that collects a burst of settings changes into one restart or notification. */
const SETTINGS_DEBOUNCE_MS = 500;

let server: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const channel = createLogChannel();
    context.subscriptions.push(channel);
    let settings = loadSettings();
    logInfo(`Settings: ${JSON.stringify(settings)}`);

    const trace = createTraceWriter(process.env[TRACE_FILE_VARIABLE]);
    const status = new StatusView();
    const presenter = new RegionPresenter(paletteOf(settings), settings.decorations, status, trace);
    const events = {
        onRegions: (payload: unknown) => presenter.receive(payload),
        onStateChange: (state: ServerState) => status.setServerState(state),
    };
    const controller = new ServerController(context, channel, events, trace);
    server = controller;
    context.subscriptions.push(status, presenter);

    const applySettings = debounce(() => {
        const next = loadSettings();
        const previous = settings;
        settings = next;
        logInfo(`Settings changed: ${JSON.stringify(next)}`);
        if (JSON.stringify(previous.colors) !== JSON.stringify(next.colors)) {
            presenter.updatePalette(paletteOf(next));
        }
        presenter.updateSettings(next.decorations);
        if (needsRestart(previous, next)) {
            void controller.restart(next);
        } else if (serverSettingsChanged(previous, next)) {
            void controller.notifyConfiguration(next);
        }
    }, SETTINGS_DEBOUNCE_MS);

    context.subscriptions.push(
        { dispose: () => applySettings.cancel() },
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (event.affectsConfiguration(SECTION)) {
                applySettings();
            }
        }),
        vscode.window.onDidChangeVisibleTextEditors(() => presenter.repaintVisibleEditors()),
        vscode.window.onDidChangeActiveTextEditor(() => presenter.refreshStatus()),
        vscode.workspace.onDidCloseTextDocument((document) => presenter.forget(document)),
        vscode.commands.registerCommand('charseg.toggleDecorations', () => {
            const shown = presenter.toggle();
            logInfo(`Language colours ${shown ? 'shown' : 'hidden'}`);
        }),
        vscode.commands.registerCommand('charseg.showRegions', () =>
            showRegions(controller, presenter),
        ),
        vscode.commands.registerCommand('charseg.restartServer', () =>
            controller.restart(settings),
        ),
        vscode.commands.registerCommand('charseg.showOutput', () => showLog()),
    );

    presenter.refreshStatus();
    await controller.start(settings);
}

export async function deactivate(): Promise<void> {
    await server?.stop();
    server = undefined;
}

function loadSettings(): Settings {
    return readSettings(vscode.workspace.getConfiguration(SECTION), logWarning);
}

function paletteOf(settings: Settings) {
    const palette = resolvePalette(settings.colors);
    palette.warnings.forEach(logWarning);
    return palette;
}

async function showRegions(
    controller: ServerController,
    presenter: RegionPresenter,
): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
        void vscode.window.showInformationMessage('Open a file to list its language regions.');
        return;
    }
    if (!presenter.regionsOf(editor.document)) {
        const response = await controller.requestRegions(editor.document.uri.toString());
        if (response !== undefined && response !== null) {
            presenter.receive(response);
        }
    }
    await pickRegion(editor, presenter.regionsOf(editor.document)?.regions ?? []);
}
