import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createTraceWriter } from '../../common/trace';

describe('createTraceWriter', () => {
    it('appends one JSON line per event', () => {
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'charseg-trace-'));
        const file = path.join(directory, 'trace.jsonl');
        try {
            const write = createTraceWriter(file);
            write('regions', { uri: 'file:///a.py', version: 1 });
            write('painted', { counts: { python: 2 } });
            const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
            assert.equal(lines.length, 2);
            const first = JSON.parse(lines[0] ?? '');
            assert.equal(first.event, 'regions');
            assert.deepEqual(first.payload, { uri: 'file:///a.py', version: 1 });
            assert.ok(!Number.isNaN(Date.parse(first.time)));
            assert.equal(JSON.parse(lines[1] ?? '').event, 'painted');
        } finally {
            fs.rmSync(directory, { recursive: true, force: true });
        }
    });

    it('does nothing without a file name', () => {
        for (const file of [undefined, '']) {
            assert.doesNotThrow(() => createTraceWriter(file)('regions', {}));
        }
    });
});
