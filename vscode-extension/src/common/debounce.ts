/** A trailing-edge debounce: runs the callback once, `delayMs` after the last call. */
export interface Debounced {
    (): void;
    /** Drops a pending call. */
    cancel(): void;
}

export function debounce(callback: () => void, delayMs: number): Debounced {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const debounced = () => {
        if (timer !== undefined) {
            clearTimeout(timer);
        }
        timer = setTimeout(() => {
            timer = undefined;
            callback();
        }, delayMs);
    };
    debounced.cancel = () => {
        if (timer !== undefined) {
            clearTimeout(timer);
            timer = undefined;
        }
    };
    return debounced;
}
