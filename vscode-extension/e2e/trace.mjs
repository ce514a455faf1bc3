// Reads the JSON lines that the extension appends to CHARSEG_TRACE_FILE.
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Returns the trace events recorded so far, oldest first. */
export function readTrace(file) {
    if (!fs.existsSync(file)) {
        return [];
    }
    return fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line));
}

/**
 * Polls the trace until `check` returns a truthy value for the events so far, and
 * returns that value. Throws after `timeoutMs`, quoting the last events seen.
 */
export async function waitForEvents(file, check, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const events = readTrace(file);
        const result = check(events);
        if (result) {
            return result;
        }
        if (Date.now() > deadline) {
            const recent = events.slice(-3).map((event) => JSON.stringify(event).slice(0, 300));
            throw new Error(
                `timed out after ${timeoutMs} ms waiting for ${what} in ${file}; ` +
                    `${events.length} events, last: ${recent.join('\n') || 'none'}`,
            );
        }
        await sleep(250);
    }
}

/** Polls the trace until an event satisfies `predicate`, and returns that event. */
export function waitForEvent(file, predicate, timeoutMs, what) {
    return waitForEvents(file, (events) => events.find(predicate), timeoutMs, what);
}
