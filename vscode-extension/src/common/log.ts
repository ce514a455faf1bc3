/** The extension's single log channel, "charseg" in the Output view. */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** Creates the channel; the language client writes its output and trace there too. */
export function createLogChannel(): vscode.LogOutputChannel {
    channel = vscode.window.createOutputChannel('charseg', { log: true });
    return channel;
}

export function logError(message: string, error?: unknown): void {
    channel?.error(error === undefined ? message : `${message}: ${describeError(error)}`);
}

export function logWarning(message: string): void {
    channel?.warn(message);
}

export function logInfo(message: string): void {
    channel?.info(message);
}

export function logDebug(message: string): void {
    channel?.debug(message);
}

/** Reveals the log without taking the focus from the editor. */
export function showLog(): void {
    channel?.show(true);
}

function describeError(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
