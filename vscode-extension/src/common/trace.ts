/**
 * Appends each regions payload the extension received to the file named by the
 * CHARSEG_TRACE_FILE environment variable, one JSON object per line. Tests read it
 * to see what reached the editor; the variable is unset in normal use.
 */
import * as fs from 'node:fs';

export const TRACE_FILE_VARIABLE = 'CHARSEG_TRACE_FILE';

export type TraceWriter = (event: string, payload: unknown) => void;

/** Returns a writer for `file`, or one that does nothing when `file` is empty. */
export function createTraceWriter(file: string | undefined): TraceWriter {
    if (!file) {
        return () => undefined;
    }
    return (event, payload) => {
        const line = JSON.stringify({ time: new Date().toISOString(), event, payload });
        fs.appendFileSync(file, line + '\n', 'utf8');
    };
}
