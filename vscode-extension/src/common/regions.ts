/**
 * The `charseg/regions` payload: validation, the per-document cache with its version
 * rule, grouping for decorations, and the language mix shown in the status bar.
 */

/** Method of the server's notification and of the client's request for regions. */
export const REGIONS_METHOD = 'charseg/regions';

export interface Position {
    readonly line: number;
    /** Offset in the line, in the position encoding negotiated with the server. */
    readonly character: number;
}

export interface Range {
    readonly start: Position;
    readonly end: Position;
}

export interface Region {
    readonly range: Range;
    readonly languageId: string;
    /** Mean probability of the label over the region, from 0 to 1. */
    readonly confidence: number;
}

export interface DocumentRegions {
    readonly uri: string;
    /** Version of the document that the regions describe. */
    readonly version: number;
    readonly regions: readonly Region[];
}

export interface LanguageShare {
    readonly languageId: string;
    /** Length of the language's regions, in the units of `lengthOf`. */
    readonly length: number;
    /** Fraction of the labelled length, from 0 to 1. */
    readonly share: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null;
}

function isPosition(value: unknown): value is Position {
    return (
        isObject(value) &&
        Number.isInteger(value.line) &&
        Number.isInteger(value.character) &&
        (value.line as number) >= 0 &&
        (value.character as number) >= 0
    );
}

function isRegion(value: unknown): value is Region {
    return (
        isObject(value) &&
        isObject(value.range) &&
        isPosition(value.range.start) &&
        isPosition(value.range.end) &&
        typeof value.languageId === 'string' &&
        typeof value.confidence === 'number' &&
        Number.isFinite(value.confidence)
    );
}

/**
 * Checks a `charseg/regions` payload received from the server.
 *
 * Returns the payload typed, or a message naming the first invalid field.
 */
export function parseDocumentRegions(value: unknown): DocumentRegions | string {
    if (!isObject(value)) {
        return 'regions payload is not an object';
    }
    if (typeof value.uri !== 'string') {
        return 'regions payload has no string "uri"';
    }
    if (!Number.isInteger(value.version)) {
        return `regions payload for ${value.uri} has no integer "version"`;
    }
    if (!Array.isArray(value.regions)) {
        return `regions payload for ${value.uri} has no "regions" array`;
    }
    const index = value.regions.findIndex((region) => !isRegion(region));
    if (index >= 0) {
        return `regions payload for ${value.uri}: region ${index} is invalid: ${JSON.stringify(value.regions[index])}`;
    }
    return value as unknown as DocumentRegions;
}

/**
 * Latest regions per document URI.
 *
 * Regions for an older document version than the cached ones are rejected, because
 * the server can respond to a request for an old version after a newer notification.
 */
export class RegionCache {
    private readonly byUri = new Map<string, DocumentRegions>();

    /** Stores `regions` unless older than the cached ones; returns whether it stored them. */
    update(regions: DocumentRegions): boolean {
        const current = this.byUri.get(regions.uri);
        if (current && regions.version < current.version) {
            return false;
        }
        this.byUri.set(regions.uri, regions);
        return true;
    }

    get(uri: string): DocumentRegions | undefined {
        return this.byUri.get(uri);
    }

    delete(uri: string): void {
        this.byUri.delete(uri);
    }

    clear(): void {
        this.byUri.clear();
    }
}

/** Returns the regions worth colouring: all, or only those foreign to the document. */
export function regionsToDecorate(
    regions: readonly Region[],
    documentLanguage: string,
    foreignOnly: boolean,
): Region[] {
    return regions.filter((region) => {
        if (isEmpty(region.range)) {
            return false;
        }
        return !foreignOnly || region.languageId !== documentLanguage;
    });
}

function isEmpty(range: Range): boolean {
    return range.start.line === range.end.line && range.start.character === range.end.character;
}

/** Groups regions by language id, keeping their order within each language. */
export function groupByLanguage(regions: readonly Region[]): Map<string, Region[]> {
    const groups = new Map<string, Region[]>();
    for (const region of regions) {
        const group = groups.get(region.languageId);
        if (group) {
            group.push(region);
        } else {
            groups.set(region.languageId, [region]);
        }
    }
    return groups;
}

/**
 * Sums the length of each language's regions and its share of the total, largest
 * first. `lengthOf` measures a range, for example in UTF-16 code units of a document.
 */
export function computeMix(
    regions: readonly Region[],
    lengthOf: (range: Range) => number,
): LanguageShare[] {
    const lengths = new Map<string, number>();
    for (const region of regions) {
        const length = Math.max(0, lengthOf(region.range));
        lengths.set(region.languageId, (lengths.get(region.languageId) ?? 0) + length);
    }
    const total = [...lengths.values()].reduce((sum, length) => sum + length, 0);
    const shares = [...lengths.entries()]
        .filter(([, length]) => length > 0)
        .map(([languageId, length]) => ({ languageId, length, share: length / total }));
    shares.sort((a, b) => b.length - a.length || a.languageId.localeCompare(b.languageId));
    return shares;
}

/** Formats a fraction from 0 to 1 as a whole percentage, "<1%" for small non-zero ones. */
export function formatPercent(fraction: number): string {
    const percent = Math.round(fraction * 100);
    if (percent === 0 && fraction > 0) {
        return '<1%';
    }
    return `${percent}%`;
}

/**
 * Formats a language mix for the status bar, for example "python 71% · scala 29%".
 * Languages past `maxItems` are counted as "+N".
 */
export function formatMix(mix: readonly LanguageShare[], maxItems = 3): string {
    const shown = mix
        .slice(0, maxItems)
        .map((entry) => `${entry.languageId} ${formatPercent(entry.share)}`);
    const hidden = mix.length - maxItems;
    if (hidden > 0) {
        shown.push(`+${hidden}`);
    }
    return shown.join(' · ');
}

/** Describes where a region lies, with 1-based line numbers, for example "lines 3–10". */
export function describeLines(range: Range): string {
    const first = range.start.line + 1;
    // A region that ends at column 0 ends with the previous line's line break.
    const last =
        range.end.character === 0 && range.end.line > range.start.line
            ? range.end.line
            : range.end.line + 1;
    return first === last ? `line ${first}` : `lines ${first}–${last}`;
}
