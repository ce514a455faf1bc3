/** Background colours of the language regions in text editors, one decoration type per label. */
import * as vscode from 'vscode';
import { colorsFor, Palette } from './colors';
import { displayName, LABELS } from './languages';
import { formatPercent, groupByLanguage, Range, Region } from './regions';

export class RegionDecorations implements vscode.Disposable {
    private readonly types = new Map<string, vscode.TextEditorDecorationType>();

    constructor(private palette: Palette) {
        this.createTypes();
    }

    /** Replaces the colours; the caller repaints the editors afterwards. */
    setPalette(palette: Palette): void {
        this.disposeTypes();
        this.palette = palette;
        this.createTypes();
    }

    /** Shows `regions` in `editor`, replacing what it showed before. */
    paint(editor: vscode.TextEditor, regions: readonly Region[]): void {
        const groups = groupByLanguage(regions);
        for (const label of groups.keys()) {
            this.typeFor(label);
        }
        for (const [label, type] of this.types) {
            const options = (groups.get(label) ?? []).map(toDecorationOptions);
            editor.setDecorations(type, options);
        }
    }

    clear(editor: vscode.TextEditor): void {
        for (const type of this.types.values()) {
            editor.setDecorations(type, []);
        }
    }

    dispose(): void {
        this.disposeTypes();
    }

    private createTypes(): void {
        for (const label of LABELS) {
            this.typeFor(label);
        }
    }

    /** Returns the decoration type of a label, creating it for a label outside LABELS. */
    private typeFor(label: string): vscode.TextEditorDecorationType {
        let type = this.types.get(label);
        if (!type) {
            const colors = colorsFor(this.palette, label);
            type = vscode.window.createTextEditorDecorationType({
                light: {
                    backgroundColor: colors.light.background,
                    overviewRulerColor: colors.light.overviewRuler,
                },
                dark: {
                    backgroundColor: colors.dark.background,
                    overviewRulerColor: colors.dark.overviewRuler,
                },
                overviewRulerLane: vscode.OverviewRulerLane.Right,
                rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
            });
            this.types.set(label, type);
        }
        return type;
    }

    private disposeTypes(): void {
        for (const type of this.types.values()) {
            type.dispose();
        }
        this.types.clear();
    }
}

export function toVscodeRange(range: Range): vscode.Range {
    return new vscode.Range(
        range.start.line,
        range.start.character,
        range.end.line,
        range.end.character,
    );
}

function toDecorationOptions(region: Region): vscode.DecorationOptions {
    const hover = new vscode.MarkdownString()
        .appendMarkdown('**')
        .appendText(displayName(region.languageId))
        .appendMarkdown('** ')
        .appendText(`(${region.languageId}) · ${formatPercent(region.confidence)} confidence`);
    return { range: toVscodeRange(region.range), hoverMessage: hover };
}
