/** The status bar item: server state, and the language mix of the active document. */
import * as vscode from 'vscode';
import { displayName } from './languages';
import { computeMix, formatMix, formatPercent, Region } from './regions';
import { ServerState } from './server';

export const SHOW_REGIONS_COMMAND = 'charseg.showRegions';
export const SHOW_OUTPUT_COMMAND = 'charseg.showOutput';

export class StatusView implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private state: ServerState = 'stopped';
    private document: vscode.TextDocument | undefined;
    private regions: readonly Region[] | undefined;

    constructor() {
        this.item = vscode.window.createStatusBarItem(
            'charseg.status',
            vscode.StatusBarAlignment.Right,
            100,
        );
        this.item.name = 'charseg';
        this.render();
    }

    setServerState(state: ServerState): void {
        this.state = state;
        this.render();
    }

    /** Shows the mix of `regions` in `document`, or no mix when either is missing. */
    showDocument(
        document: vscode.TextDocument | undefined,
        regions: readonly Region[] | undefined,
    ): void {
        this.document = document;
        this.regions = regions;
        this.render();
    }

    dispose(): void {
        this.item.dispose();
    }

    private render(): void {
        const item = this.item;
        item.backgroundColor = undefined;
        item.command = SHOW_REGIONS_COMMAND;
        switch (this.state) {
            case 'failed':
                item.text = '$(error) charseg';
                item.tooltip = 'The charseg language server is not running. Click to show the log.';
                item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
                item.command = SHOW_OUTPUT_COMMAND;
                item.show();
                return;
            case 'starting':
                item.text = '$(loading~spin) charseg';
                item.tooltip = 'The charseg language server is starting.';
                item.show();
                return;
            case 'stopped':
                item.hide();
                return;
            case 'running':
                this.renderMix();
                return;
        }
    }

    private renderMix(): void {
        const document = this.document;
        if (!document) {
            this.item.hide();
            return;
        }
        const mix = computeMix(this.regions ?? [], (range) => {
            const start = document.offsetAt(
                new vscode.Position(range.start.line, range.start.character),
            );
            const end = document.offsetAt(new vscode.Position(range.end.line, range.end.character));
            return end - start;
        });
        if (mix.length === 0) {
            this.item.text = '$(symbol-color) charseg';
            this.item.tooltip = 'No language regions for this document yet.';
        } else {
            this.item.text = `$(symbol-color) ${formatMix(mix)}`;
            const lines = mix.map(
                (entry) =>
                    `${displayName(entry.languageId)}: ${formatPercent(entry.share)} (${entry.length} characters)`,
            );
            this.item.tooltip = `Language mix by characters\n${lines.join('\n')}\n\nClick to list the regions.`;
        }
        this.item.show();
    }
}
