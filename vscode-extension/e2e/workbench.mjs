// Opens a workspace in a fresh code-server with the packaged extension, in headless
// Chromium, and closes both again.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import {
    createLayout,
    findFiles,
    installExtension,
    startCodeServer,
    writeSettings,
} from './code-server.mjs';

/** Settings every run uses: no auto-save, no welcome page, no network features. */
export const BASE_USER_SETTINGS = {
    'files.autoSave': 'off',
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'editor.minimap.enabled': false,
    'chat.disableAIFeatures': true,
};

const BROWSER_ARGUMENTS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

/**
 * Starts code-server with `vsix` installed and opens its workspace in Chromium.
 *
 * `files` maps workspace file names to their contents. `userSettings` and
 * `machineSettings` go to the User and Machine settings files; machine-scoped settings
 * of a code-server window are read from the latter only.
 */
export async function openWorkbench({ vsix, chromiumPath, files, userSettings, machineSettings }) {
    const layout = createLayout(fs.mkdtempSync(path.join(os.tmpdir(), 'charseg-e2e-')));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(layout.workspace, name), text);
    }
    writeSettings(layout, 'User', { ...BASE_USER_SETTINGS, ...userSettings });
    writeSettings(layout, 'Machine', machineSettings);
    installExtension(layout, vsix);

    let codeServer;
    let browser;
    try {
        codeServer = await startCodeServer(layout, { CHARSEG_TRACE_FILE: layout.trace });
        browser = await chromium.launch({
            executablePath: chromiumPath,
            headless: true,
            args: BROWSER_ARGUMENTS,
        });
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page
            .context()
            .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: codeServer.url });
        await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(layout.workspace)}`);
        await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });

        /** Closes the browser and code-server; keeps the files when `keep` is true. */
        const close = async (keep) => {
            await browser.close().catch(() => undefined);
            await codeServer.stop();
            if (keep) {
                printLogs(layout);
            } else {
                fs.rmSync(layout.root, { recursive: true, force: true });
            }
        };
        return { layout, page, close };
    } catch (error) {
        await browser?.close().catch(() => undefined);
        await codeServer?.stop();
        printLogs(layout);
        throw error;
    }
}

function printLogs(layout) {
    console.log(`e2e files kept in ${layout.root}`);
    console.log(`code-server log: ${layout.log}`);
    for (const log of findFiles(layout.userData, /^(charseg|remoteexthost|exthost)\.log$/)) {
        console.log(`--- ${log}\n${fs.readFileSync(log, 'utf8').slice(-4000)}`);
    }
}

/** Opens a workspace file through Quick Open (Ctrl+P) and waits until its text shows. */
export async function openFile(page, name, visibleText, timeout) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 500 } });
    await page.keyboard.press('Control+P');
    await page.keyboard.type(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name });
    await row.first().waitFor({ timeout });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines', { hasText: visibleText }).waitFor({ timeout });
}

/** Runs a command from the Command Palette (F1) by its title. */
export async function runCommand(page, title, timeout) {
    await page.keyboard.press('F1');
    await page.keyboard.type(title);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title });
    await row.first().waitFor({ timeout });
    await page.keyboard.press('Enter');
}

/**
 * Replaces the text of the settings.json in the active editor the way a person would:
 * select all, paste, save. With `waitForSave` false it returns as soon as Save is
 * pressed, so that several calls make a burst of changes.
 */
export async function replaceSettings(page, settings, { waitForSave = true } = {}) {
    const text = JSON.stringify(settings, null, 2);
    // Paste rather than type, so that the editor adds no indentation or closing quotes.
    await page.evaluate((value) => navigator.clipboard.writeText(value), text);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    // Save only once the paste has landed, or Save writes the previous text. The dirty
    // mark cannot tell: after an unsaved edit the tab is dirty before the paste, and a
    // save still running from the last call may write the pasted text and clear it.
    await waitForEditorLines(page, text.split('\n'));
    await page.keyboard.press('Control+S');
    if (waitForSave) {
        await page.locator('.tabs-container .tab.active:not(.dirty)').waitFor({ timeout: 10_000 });
    }
}

/** Waits until the focused editor shows every one of `lines`, ignoring indentation. */
async function waitForEditorLines(page, lines, timeout = 10_000) {
    const view = page.locator('.monaco-editor.focused .view-lines').first();
    const deadline = Date.now() + timeout;
    for (;;) {
        // Monaco may draw spaces as no-break spaces.
        const visibleText = ((await view.textContent({ timeout })) ?? '').replaceAll('\u00a0', ' ');
        if (lines.every((line) => visibleText.includes(line.trim()))) {
            return;
        }
        if (Date.now() > deadline) {
            throw new Error(
                `timed out waiting for the pasted text; the editor shows: ${visibleText.slice(0, 200)}`,
            );
        }
        await page.waitForTimeout(100);
    }
}

/**
 * Opens the Machine (remote) settings.json in an editor and focuses it. A code-server
 * window reads machine and machine-overridable settings only from there.
 */
export async function openMachineSettings(page, visibleText, timeout) {
    await runCommand(page, 'Preferences: Open Remote Settings (JSON)', timeout);
    const editor = page.locator('.monaco-editor .view-lines', { hasText: visibleText }).first();
    await editor.waitFor({ timeout });
    await editor.click();
}
