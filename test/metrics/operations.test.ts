import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Operation, Operations } from '../../src/metrics/operations.ts';

/** Operations that note what concluded, as [start, status code, error type]. */
function tracked(): { operations: Operations; ended: unknown[] } {
  const ended: unknown[] = [];
  const operations = new Operations((operation: Operation) => ended.push([operation.start, operation.statusCode, operation.errorType]));
  return { operations, ended };
}

describe('export operations by sequence number', () => {
  it('concludes once as many records as it holds have settled, numbers inside its range that are not its own ignored', () => {
    const { operations, ended } = tracked();
    // Records 3 and 5 were dropped before the batch 2, 4, 6 was formed.
    operations.seal(operations.open(2), 7, 3);
    operations.settle(2, undefined);
    operations.settle(4, undefined);
    assert.deepEqual(ended, []);
    operations.settle(6, undefined);
    assert.deepEqual(ended, [[2, undefined, undefined]]);
  });

  it('takes the status code of the last request and the error type of the last failure', () => {
    const { operations, ended } = tracked();
    operations.seal(operations.open(0), 4, 4);
    operations.answered([0, 1, 2, 3], 413);
    operations.answered([0, 1], 200);
    operations.settle(0, undefined);
    operations.settle(1, undefined);
    operations.answered([2, 3], 503);
    operations.settle(2, 'lossy');
    operations.settle(3, 'lossy');
    assert.deepEqual(ended, [[0, 503, 'lossy']]);
  });

  it('counts records settling while an export still hands them over, and concludes at once when all did', () => {
    const { operations, ended } = tracked();
    const operation = operations.open(10);
    operations.settle(10, 'queue_full');
    operations.settle(11, 'queue_full');
    assert.deepEqual(ended, []);
    operations.seal(operation, 12, 2);
    assert.deepEqual(ended, [[10, undefined, 'queue_full']]);
  });

  it('tells a request carrying the records of several operations to each of them', () => {
    const { operations, ended } = tracked();
    operations.seal(operations.open(0), 2, 2);
    operations.seal(operations.open(2), 3, 1);
    operations.answered([0, 1, 2], 200);
    for (const seq of [0, 1, 2]) operations.settle(seq, undefined);
    assert.deepEqual(ended, [
      [0, 200, undefined],
      [2, 200, undefined],
    ]);
  });

  it('concludes what is still open with the given error type, and ignores its records afterwards', () => {
    const { operations, ended } = tracked();
    operations.seal(operations.open(0), 2, 2);
    operations.settle(0, undefined);
    operations.concludeAll('already_shutdown');
    operations.settle(1, undefined);
    assert.deepEqual(ended, [[0, undefined, 'already_shutdown']]);
  });
});
