import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    computeMix,
    describeLines,
    DocumentRegions,
    formatMix,
    formatPercent,
    groupByLanguage,
    parseDocumentRegions,
    Range,
    Region,
    RegionCache,
    regionsToDecorate,
} from '../../common/regions';

function region(languageId: string, startLine: number, endLine: number, confidence = 0.9): Region {
    return {
        range: { start: { line: startLine, character: 0 }, end: { line: endLine, character: 0 } },
        languageId,
        confidence,
    };
}

function payload(version: number, regions: Region[] = []): DocumentRegions {
    return { uri: 'file:///tmp/mixed.py', version, regions };
}

/** Measures a range of whole lines as 10 characters per line. */
const tenPerLine = (range: Range) => (range.end.line - range.start.line) * 10;

describe('parseDocumentRegions', () => {
    it('accepts a valid payload', () => {
        const value = payload(3, [region('python', 0, 2), region('scala', 2, 4, 0.5)]);
        assert.deepEqual(parseDocumentRegions(JSON.parse(JSON.stringify(value))), value);
    });

    it('accepts an empty region list', () => {
        assert.deepEqual(parseDocumentRegions(payload(0)), payload(0));
    });

    it('names the invalid field', () => {
        const cases: [unknown, RegExp][] = [
            [null, /not an object/],
            [{ version: 1, regions: [] }, /"uri"/],
            [{ uri: 'file:///a', version: 1.5, regions: [] }, /"version"/],
            [{ uri: 'file:///a', version: 1 }, /"regions"/],
            [
                { uri: 'file:///a', version: 1, regions: [{ languageId: 'go' }] },
                /region 0 is invalid/,
            ],
            [
                {
                    uri: 'file:///a',
                    version: 1,
                    regions: [region('go', 0, 1), { ...region('c', 1, 2), confidence: 'high' }],
                },
                /region 1 is invalid/,
            ],
            [
                {
                    uri: 'file:///a',
                    version: 1,
                    regions: [
                        {
                            ...region('c', 0, 1),
                            range: {
                                start: { line: -1, character: 0 },
                                end: { line: 0, character: 0 },
                            },
                        },
                    ],
                },
                /region 0 is invalid/,
            ],
        ];
        for (const [value, message] of cases) {
            const result = parseDocumentRegions(value);
            assert.equal(typeof result, 'string', JSON.stringify(value));
            assert.match(result as string, message);
        }
    });
});

describe('RegionCache', () => {
    it('keeps the newest version', () => {
        const cache = new RegionCache();
        assert.equal(cache.update(payload(2, [region('python', 0, 1)])), true);
        assert.equal(cache.update(payload(1, [region('scala', 0, 1)])), false);
        assert.equal(cache.get('file:///tmp/mixed.py')?.regions[0]?.languageId, 'python');
        assert.equal(cache.update(payload(3, [region('go', 0, 1)])), true);
        assert.equal(cache.get('file:///tmp/mixed.py')?.version, 3);
    });

    it('replaces regions of the same version', () => {
        const cache = new RegionCache();
        cache.update(payload(2, [region('python', 0, 1)]));
        assert.equal(cache.update(payload(2, [region('ruby', 0, 1)])), true);
        assert.equal(cache.get('file:///tmp/mixed.py')?.regions[0]?.languageId, 'ruby');
    });

    it('accepts any version after delete', () => {
        const cache = new RegionCache();
        cache.update(payload(5));
        cache.delete('file:///tmp/mixed.py');
        assert.equal(cache.get('file:///tmp/mixed.py'), undefined);
        assert.equal(cache.update(payload(1)), true);
    });

    it('keeps documents apart', () => {
        const cache = new RegionCache();
        cache.update(payload(5));
        assert.equal(cache.update({ ...payload(1), uri: 'file:///tmp/other.py' }), true);
        cache.clear();
        assert.equal(cache.get('file:///tmp/mixed.py'), undefined);
    });
});

describe('regionsToDecorate', () => {
    const regions = [region('python', 0, 3), region('scala', 3, 5), region('python', 5, 9)];

    it('keeps all regions by default', () => {
        assert.deepEqual(regionsToDecorate(regions, 'python', false), regions);
    });

    it('keeps only foreign regions when asked', () => {
        assert.deepEqual(regionsToDecorate(regions, 'python', true), [regions[1]]);
    });

    it('drops empty ranges', () => {
        const empty = region('go', 4, 4);
        assert.deepEqual(regionsToDecorate([empty, ...regions], 'python', false), regions);
    });
});

describe('groupByLanguage', () => {
    it('groups in order of first appearance', () => {
        const regions = [region('python', 0, 3), region('scala', 3, 5), region('python', 5, 9)];
        const groups = groupByLanguage(regions);
        assert.deepEqual([...groups.keys()], ['python', 'scala']);
        assert.deepEqual(groups.get('python'), [regions[0], regions[2]]);
        assert.deepEqual(groups.get('scala'), [regions[1]]);
    });
});

describe('computeMix', () => {
    it('sums lengths per language, largest first', () => {
        const mix = computeMix(
            [region('scala', 0, 2), region('python', 2, 5), region('python', 5, 7)],
            tenPerLine,
        );
        assert.deepEqual(
            mix.map((entry) => [entry.languageId, entry.length]),
            [
                ['python', 50],
                ['scala', 20],
            ],
        );
        assert.ok(Math.abs((mix[0]?.share ?? 0) - 50 / 70) < 1e-12);
        assert.ok(Math.abs((mix[1]?.share ?? 0) - 20 / 70) < 1e-12);
    });

    it('omits languages with no length', () => {
        const mix = computeMix([region('go', 1, 1), region('c', 0, 1)], tenPerLine);
        assert.deepEqual(
            mix.map((entry) => entry.languageId),
            ['c'],
        );
    });

    it('returns nothing for no regions', () => {
        assert.deepEqual(computeMix([], tenPerLine), []);
    });

    it('orders ties by name', () => {
        const mix = computeMix([region('scala', 0, 1), region('java', 1, 2)], tenPerLine);
        assert.deepEqual(
            mix.map((entry) => entry.languageId),
            ['java', 'scala'],
        );
    });
});

describe('formatMix', () => {
    it('writes the status bar text', () => {
        const mix = computeMix([region('python', 0, 71), region('scala', 71, 100)], tenPerLine);
        assert.equal(formatMix(mix), 'python 71% · scala 29%');
    });

    it('counts languages beyond the limit', () => {
        const mix = computeMix(
            [
                region('a', 0, 40),
                region('b', 40, 70),
                region('c', 70, 90),
                region('d', 90, 99),
                region('e', 99, 100),
            ],
            tenPerLine,
        );
        assert.equal(formatMix(mix), 'a 40% · b 30% · c 20% · +2');
        assert.equal(formatMix(mix, 1), 'a 40% · +4');
    });

    it('is empty for an empty mix', () => {
        assert.equal(formatMix([]), '');
    });
});

describe('formatPercent', () => {
    it('rounds to whole percent', () => {
        assert.equal(formatPercent(0.714), '71%');
        assert.equal(formatPercent(1), '100%');
        assert.equal(formatPercent(0), '0%');
    });

    it('marks small non-zero fractions', () => {
        assert.equal(formatPercent(0.004), '<1%');
    });
});

describe('describeLines', () => {
    it('uses 1-based lines and drops a trailing line break', () => {
        assert.equal(describeLines(region('c', 2, 10).range), 'lines 3–10');
        assert.equal(describeLines(region('c', 2, 3).range), 'line 3');
        assert.equal(
            describeLines({ start: { line: 4, character: 2 }, end: { line: 4, character: 9 } }),
            'line 5',
        );
        assert.equal(
            describeLines({ start: { line: 4, character: 2 }, end: { line: 6, character: 1 } }),
            'lines 5–7',
        );
    });
});
