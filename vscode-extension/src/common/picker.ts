/** The quick pick listing the regions of a document; choosing one selects it in the editor. */
import * as vscode from 'vscode';
import { toVscodeRange } from './decorations';
import { displayName } from './languages';
import { describeLines, formatPercent, Region } from './regions';

interface RegionItem extends vscode.QuickPickItem {
    readonly region: Region;
}

/** Lists `regions`, previews the highlighted one, and selects the accepted one. */
export async function pickRegion(
    editor: vscode.TextEditor,
    regions: readonly Region[],
): Promise<void> {
    if (regions.length === 0) {
        void vscode.window.showInformationMessage(
            'charseg has no language regions for this document yet.',
        );
        return;
    }
    const original = editor.selection;
    const items: RegionItem[] = regions.map((region) => ({
        label: displayName(region.languageId),
        description: describeLines(region.range),
        detail: `${formatPercent(region.confidence)} confidence`,
        region,
    }));
    const chosen = await vscode.window.showQuickPick(items, {
        title: 'charseg: Language Regions',
        placeHolder: 'Choose a region to select it',
        matchOnDescription: true,
        onDidSelectItem: (item: RegionItem) => {
            editor.revealRange(
                toVscodeRange(item.region.range),
                vscode.TextEditorRevealType.InCenterIfOutsideViewport,
            );
        },
    });
    if (!chosen) {
        editor.revealRange(original, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return;
    }
    const range = toVscodeRange(chosen.region.range);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
}
