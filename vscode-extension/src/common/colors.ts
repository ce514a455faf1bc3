/**
 * Colours of the language regions: a built-in palette, user overrides, and the
 * translucent light- and dark-theme variants that the decorations draw.
 */
import { LABELS } from './languages';

/**
 * Base colour per label, the same as the server's palette (charseg_server/colors.py):
 * each has a relative luminance from 0.13 to 0.33, so it shows on light and dark themes.
 */
export const DEFAULT_PALETTE: Readonly<Record<string, string>> = {
    python: '#2368a5',
    scala: '#24a973',
    java: '#a627b7',
    kotlin: '#899e22',
    javascript: '#a54a23',
    typescript: '#e1728d',
    c: '#19751d',
    cpp: '#a584e5',
    csharp: '#845e1c',
    go: '#23a69c',
    rust: '#b22694',
    ruby: '#63a623',
    php: '#3b5ad5',
    shellscript: '#e0776c',
    sql: '#19743c',
    html: '#c078e2',
    css: '#6a6817',
    markdown: '#2ba0ca',
    json: '#ba2869',
    yaml: '#39ab24',
    haskell: '#614ed9',
    lua: '#d6803f',
    r: '#187259',
    perl: '#de65dd',
    latex: '#536e17',
    xml: '#6596de',
    plaintext: '#9a9a9a',
    other: '#6b6b6b',
};

/** Background opacity on light themes, where a faint tint is already visible. */
const LIGHT_BACKGROUND_ALPHA = 0.2;
/** Background opacity on dark themes. */
const DARK_BACKGROUND_ALPHA = 0.28;
/**
 * Colours darker than this relative luminance are lightened on dark themes. It lies
 * below the palette's darkest colour, so it only changes user overrides.
 */
const DARK_THEME_MIN_LUMINANCE = 0.12;
/** Colours lighter than this relative luminance are darkened on light themes. */
const LIGHT_THEME_MAX_LUMINANCE = 0.6;

export interface Rgba {
    readonly r: number;
    readonly g: number;
    readonly b: number;
    /** Opacity from 0 to 1, or undefined when the colour was given without one. */
    readonly a: number | undefined;
}

/** The colours of one label on one kind of theme, as `#rrggbbaa` strings. */
export interface ThemeColors {
    readonly background: string;
    readonly overviewRuler: string;
}

export interface LabelColors {
    readonly light: ThemeColors;
    readonly dark: ThemeColors;
}

export interface Palette {
    readonly colors: ReadonlyMap<string, LabelColors>;
    /** One message per override that was rejected. */
    readonly warnings: readonly string[];
}

/** Parses `#rgb`, `#rrggbb` or `#rrggbbaa`; returns undefined for anything else. */
export function parseHexColor(text: string): Rgba | undefined {
    const match = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(text.trim());
    if (!match?.[1]) {
        return undefined;
    }
    let digits = match[1];
    if (digits.length === 3) {
        digits = [...digits].map((digit) => digit + digit).join('');
    }
    const channel = (index: number) => parseInt(digits.slice(index, index + 2), 16);
    const alpha = digits.length === 8 ? channel(6) / 255 : undefined;
    return { r: channel(0), g: channel(2), b: channel(4), a: alpha };
}

/** Formats a colour as `#rrggbbaa`, treating a missing alpha as opaque. */
export function toHex(color: Rgba): string {
    const hex = (value: number) =>
        Math.round(Math.min(255, Math.max(0, value)))
            .toString(16)
            .padStart(2, '0');
    return `#${hex(color.r)}${hex(color.g)}${hex(color.b)}${hex((color.a ?? 1) * 255)}`;
}

/** Relative luminance as defined by WCAG 2.x, from 0 (black) to 1 (white). */
export function relativeLuminance(color: Rgba): number {
    const linear = (value: number) => {
        const s = value / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b);
}

function mix(color: Rgba, target: Rgba, amount: number): Rgba {
    return {
        r: color.r + (target.r - color.r) * amount,
        g: color.g + (target.g - color.g) * amount,
        b: color.b + (target.b - color.b) * amount,
        a: color.a,
    };
}

const WHITE: Rgba = { r: 255, g: 255, b: 255, a: undefined };
const BLACK: Rgba = { r: 0, g: 0, b: 0, a: undefined };

/** Mixes `color` towards `target` in small steps until `done` returns true or it reaches `target`. */
function shiftUntil(color: Rgba, target: Rgba, done: (candidate: Rgba) => boolean): Rgba {
    for (let step = 0; step <= 20; step++) {
        const candidate = mix(color, target, step / 20);
        if (done(candidate)) {
            return candidate;
        }
    }
    return target;
}

/** Derives the light- and dark-theme colours of one base colour. */
export function themeVariants(base: Rgba): LabelColors {
    const forLight = shiftUntil(
        base,
        BLACK,
        (candidate) => relativeLuminance(candidate) <= LIGHT_THEME_MAX_LUMINANCE,
    );
    const forDark = shiftUntil(
        base,
        WHITE,
        (candidate) => relativeLuminance(candidate) >= DARK_THEME_MIN_LUMINANCE,
    );
    const withAlpha = (color: Rgba, alpha: number): Rgba => ({ ...color, a: base.a ?? alpha });
    const opaque = (color: Rgba): Rgba => ({ ...color, a: 1 });
    return {
        light: {
            background: toHex(withAlpha(forLight, LIGHT_BACKGROUND_ALPHA)),
            overviewRuler: toHex(opaque(forLight)),
        },
        dark: {
            background: toHex(withAlpha(forDark, DARK_BACKGROUND_ALPHA)),
            overviewRuler: toHex(opaque(forDark)),
        },
    };
}

/** Picks a stable colour for a label outside the palette from a hash of its name. */
export function fallbackColor(label: string): Rgba {
    let hash = 0;
    for (const char of label) {
        hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
    }
    return hslToRgb(hash % 360, 0.55, 0.5);
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgba {
    const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
    const x = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
    const m = lightness - chroma / 2;
    const sectors: [number, number, number][] = [
        [chroma, x, 0],
        [x, chroma, 0],
        [0, chroma, x],
        [0, x, chroma],
        [x, 0, chroma],
        [chroma, 0, x],
    ];
    const [r, g, b] = sectors[Math.floor(hue / 60) % 6] ?? [chroma, 0, x];
    return { r: (r + m) * 255, g: (g + m) * 255, b: (b + m) * 255, a: undefined };
}

/** Returns the base colour of a label: the palette's, or a hashed one. */
export function baseColor(label: string): Rgba {
    const hex = DEFAULT_PALETTE[label];
    return (hex && parseHexColor(hex)) || fallbackColor(label);
}

/**
 * Builds the colours of every label from the defaults and the `charseg.colors`
 * overrides. An override that is not a hex colour string is skipped with a warning.
 */
export function resolvePalette(overrides: unknown): Palette {
    const colors = new Map<string, LabelColors>();
    const warnings: string[] = [];
    for (const label of LABELS) {
        colors.set(label, themeVariants(baseColor(label)));
    }
    if (overrides === undefined || overrides === null) {
        return { colors, warnings };
    }
    if (typeof overrides !== 'object' || Array.isArray(overrides)) {
        warnings.push('charseg.colors must be an object mapping language ids to colours.');
        return { colors, warnings };
    }
    for (const [label, value] of Object.entries(overrides)) {
        const parsed = typeof value === 'string' ? parseHexColor(value) : undefined;
        if (!parsed) {
            warnings.push(
                `charseg.colors.${label}: invalid colour ${JSON.stringify(value)}; ` +
                    'expected #rgb, #rrggbb or #rrggbbaa. Using the default colour.',
            );
            continue;
        }
        colors.set(label, themeVariants(parsed));
    }
    return { colors, warnings };
}

/** Returns the colours of a label, deriving them for a label the palette lacks. */
export function colorsFor(palette: Palette, label: string): LabelColors {
    return palette.colors.get(label) ?? themeVariants(fallbackColor(label));
}
