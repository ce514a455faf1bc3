/**
 * The `charseg.*` settings: typed defaults, validation of what the user wrote, and
 * which changes need a server restart.
 */

export const SECTION = 'charseg';

export type Provider = 'auto' | 'cpu' | 'cuda';
export type DiagnosticSeverity = 'error' | 'warning' | 'information' | 'hint' | 'off';
export type InlayHintMode = 'foreign' | 'all' | 'off';

/** Settings that the server reads, sent as initialization options and on change. */
export interface ServerSettings {
    modelPath: string;
    provider: Provider;
    debounceMs: number;
    minRegion: number;
    confidenceThreshold: number;
    diagnosticSeverity: DiagnosticSeverity;
    ignoreLanguages: string[];
    maxDocumentSize: number;
    inlayHints: InlayHintMode;
}

/** How to start the server. Machine-scoped: read from user settings only. */
export interface LaunchSettings {
    /** Program and arguments; empty means "use pythonPath or charseg-lsp on PATH". */
    command: string[];
    pythonPath: string;
}

export interface DecorationSettings {
    enabled: boolean;
    foreignOnly: boolean;
}

export interface Settings {
    launch: LaunchSettings;
    server: ServerSettings;
    decorations: DecorationSettings;
    /** Colour overrides per language id, validated when the palette is built. */
    colors: Record<string, unknown>;
}

/** Defaults; package.json declares the same values and a unit test compares them. */
export const DEFAULT_SETTINGS: Readonly<Settings> = {
    launch: { command: [], pythonPath: '' },
    server: {
        modelPath: '',
        provider: 'auto',
        debounceMs: 150,
        minRegion: 40,
        confidenceThreshold: 0.6,
        diagnosticSeverity: 'information',
        ignoreLanguages: [],
        maxDocumentSize: 1_000_000,
        inlayHints: 'foreign',
    },
    decorations: { enabled: true, foreignOnly: false },
    colors: {},
};

/** Setting keys (relative to `charseg.`) whose change needs a new server process. */
export const RESTART_KEYS = ['modelPath', 'provider', 'server.command', 'server.pythonPath'];

/** The subset of `vscode.WorkspaceConfiguration` that reading settings needs. */
export interface ConfigurationSource {
    get<T>(key: string): T | undefined;
    inspect<T>(key: string): { defaultValue?: T; globalValue?: T } | undefined;
}

/** Largest debounce delay the server accepts, in milliseconds. */
const MAX_DEBOUNCE_MS = 60_000;

type Check<T> = (value: unknown) => value is T;

const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isStringArray = (value: unknown): value is string[] =>
    Array.isArray(value) && value.every(isString);
const isDebounce = (value: unknown): value is number =>
    Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_DEBOUNCE_MS;
const isPositiveInteger = (value: unknown): value is number =>
    Number.isInteger(value) && (value as number) >= 1;
const isFraction = (value: unknown): value is number =>
    typeof value === 'number' && value >= 0 && value <= 1;
const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);

function oneOf<T extends string>(...choices: T[]): Check<T> {
    return (value: unknown): value is T => choices.includes(value as T);
}

/**
 * Reads and validates all settings. An invalid value falls back to its default and
 * `warn` receives a message naming the setting and the value.
 *
 * The launch settings are taken from user (machine) settings only, never from a
 * workspace, so that opening a folder cannot choose which program runs.
 */
export function readSettings(
    config: ConfigurationSource,
    warn: (message: string) => void,
): Settings {
    const read = <T>(key: string, check: Check<T>, fallback: T, userOnly = false): T => {
        let value: unknown;
        if (userOnly) {
            const inspected = config.inspect<unknown>(key);
            value = inspected?.globalValue ?? inspected?.defaultValue;
        } else {
            value = config.get<unknown>(key);
        }
        if (value === undefined || value === null) {
            return fallback;
        }
        if (!check(value)) {
            warn(
                `Invalid value for ${SECTION}.${key}: ${JSON.stringify(value)}. ` +
                    `Using the default ${JSON.stringify(fallback)}.`,
            );
            return fallback;
        }
        return value;
    };
    const defaults = DEFAULT_SETTINGS;
    return {
        launch: {
            command: read('server.command', isStringArray, defaults.launch.command, true),
            pythonPath: read('server.pythonPath', isString, defaults.launch.pythonPath, true),
        },
        server: {
            modelPath: read('modelPath', isString, defaults.server.modelPath),
            provider: read('provider', oneOf('auto', 'cpu', 'cuda'), defaults.server.provider),
            debounceMs: read('debounceMs', isDebounce, defaults.server.debounceMs),
            minRegion: read('minRegion', isPositiveInteger, defaults.server.minRegion),
            confidenceThreshold: read(
                'confidenceThreshold',
                isFraction,
                defaults.server.confidenceThreshold,
            ),
            diagnosticSeverity: read(
                'diagnosticSeverity',
                oneOf('error', 'warning', 'information', 'hint', 'off'),
                defaults.server.diagnosticSeverity,
            ),
            ignoreLanguages: read(
                'ignoreLanguages',
                isStringArray,
                defaults.server.ignoreLanguages,
            ),
            maxDocumentSize: read(
                'maxDocumentSize',
                isPositiveInteger,
                defaults.server.maxDocumentSize,
            ),
            inlayHints: read(
                'inlayHints',
                oneOf('foreign', 'all', 'off'),
                defaults.server.inlayHints,
            ),
        },
        decorations: {
            enabled: read('decorations.enabled', isBoolean, defaults.decorations.enabled),
            foreignOnly: read(
                'decorations.foreignOnly',
                isBoolean,
                defaults.decorations.foreignOnly,
            ),
        },
        colors: read('colors', isRecord, defaults.colors),
    };
}

function sameValue(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/** Returns the values of the settings in `RESTART_KEYS`, by key. */
export function restartValues(settings: Settings): Record<string, unknown> {
    return {
        modelPath: settings.server.modelPath,
        provider: settings.server.provider,
        'server.command': settings.launch.command,
        'server.pythonPath': settings.launch.pythonPath,
    };
}

/** Returns whether going from `previous` to `next` needs a new server process. */
export function needsRestart(previous: Settings, next: Settings): boolean {
    const before = restartValues(previous);
    const after = restartValues(next);
    return RESTART_KEYS.some((key) => !sameValue(before[key], after[key]));
}

/** Returns whether any setting that the server reads differs. */
export function serverSettingsChanged(previous: Settings, next: Settings): boolean {
    return !sameValue(previous.server, next.server);
}

/** Returns the `workspace/didChangeConfiguration` parameters for the server. */
export function configurationNotification(settings: Settings): {
    settings: { charseg: ServerSettings };
} {
    return { settings: { [SECTION]: settings.server } as { charseg: ServerSettings } };
}
