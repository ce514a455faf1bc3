import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { debounce } from '../../common/debounce';

describe('debounce', () => {
    it('runs once after a burst', async () => {
        let calls = 0;
        const debounced = debounce(() => calls++, 20);
        for (let i = 0; i < 5; i++) {
            debounced();
            await sleep(2);
        }
        assert.equal(calls, 0);
        await sleep(60);
        assert.equal(calls, 1);
    });

    it('runs again for a later burst', async () => {
        let calls = 0;
        const debounced = debounce(() => calls++, 10);
        debounced();
        await sleep(40);
        debounced();
        await sleep(40);
        assert.equal(calls, 2);
    });

    it('drops a cancelled call', async () => {
        let calls = 0;
        const debounced = debounce(() => calls++, 10);
        debounced();
        debounced.cancel();
        await sleep(40);
        assert.equal(calls, 0);
    });
});
