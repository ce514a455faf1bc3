/**
 * Shows the regions the server sends: caches them per document, paints the visible
 * editors, and keeps the status bar on the active document.
 */
import * as vscode from 'vscode';
import { Palette } from './colors';
import { RegionDecorations } from './decorations';
import { logDebug, logWarning } from './log';
import {
    DocumentRegions,
    groupByLanguage,
    parseDocumentRegions,
    RegionCache,
    regionsToDecorate,
} from './regions';
import { DecorationSettings } from './settings';
import { StatusView } from './status';
import { TraceWriter } from './trace';

export class RegionPresenter implements vscode.Disposable {
    private readonly cache = new RegionCache();
    private readonly decorations: RegionDecorations;
    /** Session switch of the "Toggle Language Colours" command, reset by the setting. */
    private visible: boolean;

    constructor(
        palette: Palette,
        private settings: DecorationSettings,
        private readonly status: StatusView,
        private readonly trace: TraceWriter,
    ) {
        this.decorations = new RegionDecorations(palette);
        this.visible = settings.enabled;
    }

    /** Handles a `charseg/regions` notification or request result. */
    receive(payload: unknown): void {
        this.trace('regions', payload);
        const parsed = parseDocumentRegions(payload);
        if (typeof parsed === 'string') {
            logWarning(`Ignoring invalid charseg/regions payload: ${parsed}`);
            return;
        }
        const key = normalizeUri(parsed.uri);
        if (!vscode.workspace.textDocuments.some((document) => document.uri.toString() === key)) {
            logDebug(`Ignoring regions for ${key}: the document is not open`);
            return;
        }
        const regions: DocumentRegions = { ...parsed, uri: key };
        if (!this.cache.update(regions)) {
            logDebug(
                `Ignoring regions for ${key} version ${regions.version}: a newer version is shown`,
            );
            return;
        }
        for (const editor of vscode.window.visibleTextEditors) {
            if (editor.document.uri.toString() === key) {
                this.paint(editor);
            }
        }
        this.refreshStatus();
    }

    /** Returns the cached regions of a document. */
    regionsOf(document: vscode.TextDocument): DocumentRegions | undefined {
        return this.cache.get(document.uri.toString());
    }

    repaintVisibleEditors(): void {
        for (const editor of vscode.window.visibleTextEditors) {
            this.paint(editor);
        }
        this.refreshStatus();
    }

    refreshStatus(): void {
        const document = vscode.window.activeTextEditor?.document;
        this.status.showDocument(
            document,
            document ? this.regionsOf(document)?.regions : undefined,
        );
    }

    forget(document: vscode.TextDocument): void {
        this.cache.delete(document.uri.toString());
        for (const editor of vscode.window.visibleTextEditors) {
            if (editor.document === document) {
                this.decorations.clear(editor);
            }
        }
        this.refreshStatus();
    }

    /** Forgets every document, for example when the server restarts. */
    forgetAll(): void {
        this.cache.clear();
        for (const editor of vscode.window.visibleTextEditors) {
            this.decorations.clear(editor);
        }
        this.refreshStatus();
    }

    /** Flips the colours on or off for this session; returns whether they are now shown. */
    toggle(): boolean {
        this.visible = !this.visible;
        this.repaintVisibleEditors();
        return this.visible;
    }

    updateSettings(settings: DecorationSettings): void {
        if (settings.enabled !== this.settings.enabled) {
            this.visible = settings.enabled;
        }
        this.settings = settings;
        this.repaintVisibleEditors();
    }

    updatePalette(palette: Palette): void {
        this.decorations.setPalette(palette);
        this.repaintVisibleEditors();
    }

    dispose(): void {
        for (const editor of vscode.window.visibleTextEditors) {
            this.decorations.clear(editor);
        }
        this.decorations.dispose();
        this.cache.clear();
    }

    private paint(editor: vscode.TextEditor): void {
        const cached = this.regionsOf(editor.document);
        if (!this.visible || !cached) {
            this.decorations.clear(editor);
            return;
        }
        const regions = regionsToDecorate(
            cached.regions,
            editor.document.languageId,
            this.settings.foreignOnly,
        );
        this.decorations.paint(editor, regions);
        const counts = Object.fromEntries(
            [...groupByLanguage(regions)].map(([label, group]) => [label, group.length]),
        );
        this.trace('painted', { uri: cached.uri, version: cached.version, counts });
    }
}

/** Normalizes a URI string the way VS Code prints document URIs. */
function normalizeUri(uri: string): string {
    try {
        return vscode.Uri.parse(uri, true).toString();
    } catch {
        return uri;
    }
}
