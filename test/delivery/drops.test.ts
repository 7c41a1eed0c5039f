import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiagLogger } from '@opentelemetry/api';
import { DropReporter } from '../../src/delivery/drops.ts';

function logger(lines: string[]): DiagLogger {
  const add = (...args: unknown[]): void => {
    lines.push(args.join(' '));
  };
  return { error: add, warn: add, info: add, debug: add, verbose: add };
}

describe('drop reporting', () => {
  it('counts every dropped event by reason', () => {
    const reporter = new DropReporter(logger([]));
    reporter.drop('overflow', 3);
    reporter.drop('discarded', 2);
    reporter.drop('overflow', 1);
    assert.equal(reporter.counts.overflow, 4);
    assert.equal(reporter.counts.discarded, 2);
    assert.equal(reporter.counts.lossy, 0);
  });

  it('reports the first drop at once, then at most one summary per interval (no log storm)', () => {
    const lines: string[] = [];
    const reporter = new DropReporter(logger(lines), 60_000);
    for (let i = 0; i < 10_000; i++) reporter.drop('overflow', 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /dropped 1 overflow \(queue full\)/);
    reporter.report();
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /dropped 9999 overflow .*; 10000 dropped in total/);
  });

  it('says nothing when nothing was dropped', () => {
    const lines: string[] = [];
    new DropReporter(logger(lines)).report();
    assert.deepEqual(lines, []);
  });
});
