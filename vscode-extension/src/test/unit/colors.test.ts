import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
    baseColor,
    colorsFor,
    DEFAULT_PALETTE,
    fallbackColor,
    parseHexColor,
    relativeLuminance,
    resolvePalette,
    themeVariants,
    toHex,
} from '../../common/colors';
import { LABELS } from '../../common/languages';

describe('parseHexColor', () => {
    it('parses #rgb, #rrggbb and #rrggbbaa', () => {
        assert.deepEqual(parseHexColor('#f0a'), { r: 255, g: 0, b: 170, a: undefined });
        assert.deepEqual(parseHexColor('#3572A5'), { r: 0x35, g: 0x72, b: 0xa5, a: undefined });
        assert.deepEqual(parseHexColor('#00000080'), { r: 0, g: 0, b: 0, a: 128 / 255 });
    });

    it('rejects other notations', () => {
        for (const text of [
            '',
            'red',
            '#12',
            '#12345',
            '#1234567',
            'rgb(1,2,3)',
            '3572a5',
            '#ggg',
        ]) {
            assert.equal(parseHexColor(text), undefined, text);
        }
    });
});

describe('toHex', () => {
    it('writes eight digits and treats missing alpha as opaque', () => {
        assert.equal(toHex({ r: 53, g: 114, b: 165, a: undefined }), '#3572a5ff');
        assert.equal(toHex({ r: 0, g: 0, b: 0, a: 0.2 }), '#00000033');
    });

    it('clamps out-of-range channels', () => {
        assert.equal(toHex({ r: -4, g: 300, b: 12.6, a: 1 }), '#00ff0dff');
    });
});

describe('themeVariants', () => {
    it('keeps every palette colour visible on both themes', () => {
        for (const label of LABELS) {
            const variants = themeVariants(baseColor(label));
            const dark = parseHexColor(variants.dark.overviewRuler);
            const light = parseHexColor(variants.light.overviewRuler);
            assert.ok(
                dark && relativeLuminance(dark) >= 0.12,
                `${label} dark ${variants.dark.overviewRuler}`,
            );
            assert.ok(
                light && relativeLuminance(light) <= 0.6,
                `${label} light ${variants.light.overviewRuler}`,
            );
        }
    });

    it('draws backgrounds translucent and ruler marks opaque', () => {
        const variants = themeVariants({ r: 53, g: 114, b: 165, a: undefined });
        for (const theme of [variants.light, variants.dark]) {
            const background = parseHexColor(theme.background);
            const ruler = parseHexColor(theme.overviewRuler);
            const alpha = background?.a ?? Number.NaN;
            assert.ok(alpha > 0, `background alpha ${alpha}`);
            assert.ok(alpha < 0.5, `background alpha ${alpha}`);
            assert.equal(ruler?.a, 1);
        }
    });

    it('keeps the alpha of a colour given with one', () => {
        const variants = themeVariants({ r: 200, g: 0, b: 0, a: 0.5 });
        assert.equal(variants.dark.background.slice(-2), '80');
        assert.equal(variants.light.background.slice(-2), '80');
    });

    it('lightens a dark colour for dark themes only', () => {
        const navy = { r: 0, g: 0, b: 128, a: undefined };
        const variants = themeVariants(navy);
        assert.equal(variants.light.overviewRuler, '#000080ff');
        assert.notEqual(variants.dark.overviewRuler, '#000080ff');
    });
});

describe('resolvePalette', () => {
    it('has a distinct colour for every label', () => {
        const palette = resolvePalette(undefined);
        assert.deepEqual([...palette.colors.keys()], [...LABELS]);
        const bases = LABELS.map((label) => DEFAULT_PALETTE[label]);
        assert.equal(new Set(bases).size, LABELS.length);
        assert.deepEqual(palette.warnings, []);
    });

    it('applies valid overrides', () => {
        const palette = resolvePalette({ scala: '#ff0000', python: '#00ff0040' });
        assert.deepEqual(
            palette.colors.get('scala'),
            themeVariants({ r: 255, g: 0, b: 0, a: undefined }),
        );
        assert.equal(palette.colors.get('python')?.dark.background, '#00ff0040');
        assert.deepEqual(palette.warnings, []);
    });

    it('accepts an override for a label outside the palette', () => {
        const palette = resolvePalette({ fortran: '#123456' });
        assert.ok(palette.colors.has('fortran'));
    });

    it('warns about invalid overrides and keeps defaults', () => {
        const palette = resolvePalette({ scala: 'crimson', go: 42 });
        assert.equal(palette.warnings.length, 2);
        assert.match(palette.warnings[0] ?? '', /charseg\.colors\.scala: invalid colour "crimson"/);
        assert.deepEqual(palette.colors.get('scala'), themeVariants(baseColor('scala')));
        assert.deepEqual(palette.colors.get('go'), themeVariants(baseColor('go')));
    });

    it('warns when overrides are not an object', () => {
        for (const overrides of ['#fff', ['#fff'], 3]) {
            const palette = resolvePalette(overrides);
            assert.equal(palette.warnings.length, 1, JSON.stringify(overrides));
            assert.equal(palette.colors.size, LABELS.length);
        }
    });
});

describe('DEFAULT_PALETTE', () => {
    it('matches the server palette', (context) => {
        const source = path.resolve(__dirname, '../../../../server/charseg_server/colors.py');
        if (!fs.existsSync(source)) {
            context.skip(`${source} not found`);
            return;
        }
        const text = fs.readFileSync(source, 'utf8');
        const serverPalette = Object.fromEntries(
            [...text.matchAll(/"(\w+)": "(#[0-9a-fA-F]{6})"/g)].map((match) => [
                match[1],
                match[2]?.toLowerCase(),
            ]),
        );
        assert.deepEqual(serverPalette, DEFAULT_PALETTE);
    });

    it('is used unchanged on both themes', () => {
        for (const label of LABELS) {
            const variants = themeVariants(baseColor(label));
            assert.equal(variants.light.overviewRuler, `${DEFAULT_PALETTE[label]}ff`, label);
            assert.equal(variants.dark.overviewRuler, `${DEFAULT_PALETTE[label]}ff`, label);
        }
    });
});

describe('fallbackColor', () => {
    it('is stable and differs between labels', () => {
        assert.deepEqual(fallbackColor('fortran'), fallbackColor('fortran'));
        assert.notDeepEqual(fallbackColor('fortran'), fallbackColor('cobol'));
    });

    it('gives unknown labels colours through colorsFor', () => {
        const palette = resolvePalette(undefined);
        assert.deepEqual(colorsFor(palette, 'fortran'), themeVariants(fallbackColor('fortran')));
    });
});
