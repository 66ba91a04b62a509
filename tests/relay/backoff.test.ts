import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs } from '../../src/relay/delivery/backoff';

const middle = () => 0.5;
const lowest = () => 0;
const highest = () => 0.999999;

describe('backoff between tries of a destination', () => {
  it('starts at half a second and grows by half each failure', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((failures) => backoffMs(failures, middle)),
      [500, 750, 1125, 1687.5]
    );
  });

  it('jitters ±50 %', () => {
    assert.equal(backoffMs(3, lowest), 1125 * 0.5);
    assert.ok(Math.abs(backoffMs(3, highest) - 1125 * 1.5) < 0.01);
  });

  it('never waits more than a minute between tries, whatever the jitter', () => {
    assert.equal(backoffMs(12, highest), 60_000);
    assert.equal(backoffMs(1_000, highest), 60_000);
    assert.ok(backoffMs(1_000, lowest) <= 60_000);
  });

});
