import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import { levenshtein, nearest } from '../../src/config/suggest.ts';
import { eventTypes } from '../../src/records/catalog.ts';
import { compileEventMatcher, maxCachedDecisions, selectedEventTypes, unmatchedPatterns } from '../../src/records/match.ts';

const catalogNames: string[] = eventTypes.map((info) => info.name);
const matching = (patterns: readonly string[], names: readonly string[]): string[] => {
  const matcher = compileEventMatcher(patterns);
  return names.filter((name) => matcher.matches(name));
};

describe('Stalwart pattern forms', () => {
  it('"*" selects every catalog type but the webhook error event, and unknown types too', () => {
    const matcher = compileEventMatcher(['*']);
    assert.deepEqual(
      catalogNames.filter((name) => !matcher.matches(name)),
      ['telemetry.webhook-error'],
    );
    assert.ok(matcher.matches('app.order-placed'));
  });

  it('"auth.*" is starts-with: every auth.* type and nothing else', () => {
    const expected = catalogNames.filter((name) => name.startsWith('auth.'));
    assert.ok(expected.length > 5);
    assert.deepEqual(matching(['auth.*'], catalogNames), expected);
    assert.deepEqual(matching(['auth.*'], ['auth.a.b.c', 'authx.success', 'oauth.success', 'auth']), ['auth.a.b.c']);
  });

  it('a prefix with several dots is still starts-with', () => {
    assert.deepEqual(matching(['report.incoming.*'], catalogNames), [
      'report.incoming.dmarc',
      'report.incoming.tls',
      'report.incoming.arf',
    ]);
  });

  it('"*.error" is ends-with, across any number of dots', () => {
    const expected = catalogNames.filter((name) => name.endsWith('.error'));
    assert.ok(expected.includes('message-ingest.error'));
    assert.deepEqual(matching(['*.error'], catalogNames), expected);
    assert.deepEqual(matching(['*.error'], ['a.b.c.error', 'acme.auth-error', 'error']), ['a.b.c.error']);
  });

  it('"*-error" selects the *-error types except the webhook error event', () => {
    const expected = catalogNames.filter((name) => name.endsWith('-error') && name !== 'telemetry.webhook-error');
    assert.ok(expected.includes('acme.auth-error'));
    assert.deepEqual(matching(['*-error'], catalogNames), expected);
  });

  it('a name without wildcards selects exactly that type, known to the catalog or not', () => {
    assert.deepEqual(matching(['auth.success'], catalogNames), ['auth.success']);
    assert.deepEqual(matching(['app.order-placed'], ['app.order-placed', 'app.order-placed2']), ['app.order-placed']);
  });

  it('several patterns select the union of what each selects', () => {
    const expected = catalogNames.filter((name) => name.startsWith('auth.') || name === 'delivery.delivered');
    assert.ok(catalogNames.includes('delivery.delivered'));
    assert.deepEqual(matching(['auth.*', 'delivery.delivered'], catalogNames), expected);
  });

  it('an empty list selects nothing', () => {
    assert.deepEqual(matching([], catalogNames), []);
  });
});

describe('picomatch globs', () => {
  it('"{auth,security}.*" selects the auth.* and security.* types', () => {
    const expected = catalogNames.filter((name) => name.startsWith('auth.') || name.startsWith('security.'));
    assert.ok(expected.some((name) => name.startsWith('security.')));
    assert.deepEqual(matching(['{auth,security}.*'], catalogNames), expected);
  });

  it('"?" matches one character and a mid-name "*" matches within the name', () => {
    assert.deepEqual(matching(['?uth.success'], ['auth.success', 'oauth.success']), ['auth.success']);
    assert.deepEqual(matching(['smtp.*-start'], ['smtp.connection-start', 'smtp.start-tls']), ['smtp.connection-start']);
  });

  it('an invalid glob is a config error naming the key label and the pattern', () => {
    assert.throws(
      () => compileEventMatcher(['auth.*', '{auth,security.*'], (index) => `webhook."ops".events[${index}]`),
      (error: unknown) => {
        assert.ok(error instanceof WebhookConfigError);
        assert.equal(error.code, 'ERR_WEBHOOK_INVALID_PATTERN');
        assert.equal(error.key, 'webhook."ops".events[1]');
        assert.match(error.message, /webhook\."ops"\.events\[1\].*"\{auth,security\.\*"/);
        return true;
      },
    );
  });

  it('empty patterns and bare or doubled "!" are config errors, labelled events[i] by default', () => {
    for (const [index, patterns] of [
      [0, ['']],
      [1, ['auth.*', '!']],
      [0, ['!!auth.*']],
      [0, ['auth.[x']],
    ] as const) {
      assert.throws(
        () => compileEventMatcher(patterns),
        (error: unknown) =>
          error instanceof WebhookConfigError && error.code === 'ERR_WEBHOOK_INVALID_PATTERN' && error.key === `events[${index}]`,
      );
    }
  });
});

describe('long pattern lists', () => {
  it('thousands of patterns select what some one of them selects alone', () => {
    const patterns: string[] = [];
    for (let i = 0; i < 500; i++) {
      patterns.push(`app.event-${i}`, `app${i}.*`, `*.tail-${i}`, `glob${i}.{a,b}.*`, `*mid${i}?`);
    }
    patterns.push('{auth,smtp}.*', '*.error', 'dsn', 'telemetry.*');
    const names = [
      ...catalogNames,
      ...['app.event-7', 'app.event-7x', 'app12.x', 'app1', 'x.tail-499', 'tail-499', 'glob3.a.z', 'glob3.c.z', 'q.mid42z', 'mid42'],
    ];
    const singles = patterns.map((pattern) => compileEventMatcher([pattern]));
    const expected = names.filter((name) => singles.some((single) => single.matches(name)));
    assert.ok(expected.includes('app.event-7') && expected.includes('glob3.a.z') && !expected.includes('glob3.c.z'));
    assert.deepEqual(matching(patterns, names), expected);
    assert.deepEqual(
      matching(['*', ...patterns.map((pattern) => `!${pattern}`)], names),
      names.filter((name) => !expected.includes(name) && name !== 'telemetry.webhook-error'),
    );
  });

  it('globs whose start picomatch rewrites still match', () => {
    assert.deepEqual(matching(['app/**'], ['app', 'app/x', 'apple']), ['app', 'app/x']);
    assert.deepEqual(matching(['./app.*x'], ['app.1x', './app.1x']), ['app.1x']);
    assert.deepEqual(matching(['"app"*x'], ['appx', '"app"x']), ['appx']);
  });

  it('each unknown name is reported, with suggestions for the first ones only', () => {
    const patterns = ['auth.*', ...Array.from({ length: 50 }, (_, i) => `auth.sucess${i % 10}`)];
    const reports = unmatchedPatterns(patterns, 5);
    assert.equal(reports.length, 50);
    assert.ok(reports.slice(0, 5).every((report) => report.suggestions[0] === 'auth.success'));
    assert.ok(reports.slice(5).every((report) => report.suggestions.length === 0));
  });
});

describe('exclusions', () => {
  it('"!pattern" removes what it matches from what the others select', () => {
    const expected = catalogNames.filter((name) => name.startsWith('auth.') && name !== 'auth.success');
    assert.deepEqual(matching(['auth.*', '!auth.success'], catalogNames), expected);
  });

  it('an exclusion wins over an inclusion whatever their order', () => {
    const matcher = compileEventMatcher(['!auth.success', 'auth.*', 'auth.success']);
    assert.equal(matcher.matches('auth.success'), false);
    assert.equal(matcher.matches('auth.failed'), true);
  });

  it('a list of only exclusions selects everything else', () => {
    const expected = catalogNames.filter((name) => !name.startsWith('auth.') && name !== 'telemetry.webhook-error');
    assert.deepEqual(matching(['!auth.*'], catalogNames), expected);
    assert.ok(compileEventMatcher(['!auth.*', '!*.error']).matches('app.order-placed'));
    assert.equal(compileEventMatcher(['!auth.*', '!*.error']).matches('message-ingest.error'), false);
  });

  it('exclusions accept every pattern form', () => {
    const matcher = compileEventMatcher(['*', '!*-error', '!{auth,smtp}.*', '!dsn']);
    assert.deepEqual(
      ['acme.auth-error', 'auth.success', 'smtp.start-tls', 'dsn', 'delivery.delivered'].filter((n) => matcher.matches(n)),
      ['delivery.delivered'],
    );
  });
});

describe('webhook error event', () => {
  it('telemetry.webhook-error is never selected, whatever the patterns', () => {
    for (const patterns of [['*'], ['telemetry.webhook-error'], ['telemetry.*'], ['*-error'], ['*webhook*'], ['!auth.*']]) {
      assert.equal(compileEventMatcher(patterns).matches('telemetry.webhook-error'), false, patterns.join(','));
    }
  });

  it('other telemetry types are still selectable', () => {
    const matcher = compileEventMatcher(['telemetry.*']);
    const others = catalogNames.filter((name) => name.startsWith('telemetry.') && name !== 'telemetry.webhook-error');
    assert.ok(others.length > 0);
    assert.ok(others.every((name) => matcher.matches(name)));
  });
});

describe('case sensitivity', () => {
  it('patterns and names are compared case-sensitively in every form', () => {
    assert.deepEqual(matching(['auth.*'], ['Auth.success', 'auth.success']), ['auth.success']);
    assert.deepEqual(matching(['AUTH.SUCCESS'], ['auth.success']), []);
    assert.deepEqual(matching(['*.Error'], ['store.error', 'store.Error']), ['store.Error']);
    assert.deepEqual(matching(['{Auth,security}.*'], ['auth.success', 'Auth.success']), ['Auth.success']);
  });
});

describe('decision cache', () => {
  it('repeated calls give the same decision', () => {
    const matcher = compileEventMatcher(['auth.*', '!auth.success']);
    for (let round = 0; round < 3; round++) {
      assert.equal(matcher.matches('auth.failed'), true);
      assert.equal(matcher.matches('auth.success'), false);
      assert.equal(matcher.matches('smtp.start-tls'), false);
    }
  });

  it('names that are also names of object properties are decided by the patterns alone', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '0', '4294967295', 'length', ''];
    const all = compileEventMatcher(['*']);
    const none = compileEventMatcher(['auth.*']);
    for (let round = 0; round < 2; round++) {
      for (const name of names) {
        assert.equal(all.matches(name), true, `* selects ${JSON.stringify(name)}`);
        assert.equal(none.matches(name), false, `auth.* declines ${JSON.stringify(name)}`);
      }
    }
    assert.equal(compileEventMatcher(['__proto__']).matches('__proto__'), true);
    assert.equal(compileEventMatcher(['!__proto__']).matches('__proto__'), false);
  });

  it('decisions stay correct after more distinct names than the cache holds', () => {
    const count = 10_000;
    assert.ok(count > maxCachedDecisions);
    const matcher = compileEventMatcher(['app.*', '!app.*7']);
    const expected = (n: number): boolean => n % 10 !== 7;
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < count; n++) {
        assert.equal(matcher.matches(`app.event-${n}`), expected(n), `round ${round}, app.event-${n}`);
        assert.equal(matcher.matches(`other.event-${n}`), false);
      }
    }
  });
});

describe('checking patterns against the catalog', () => {
  it('reports store.ingest with suggestions of real ingest and store types', () => {
    const [report, ...rest] = unmatchedPatterns(['auth.*', 'store.ingest']);
    assert.deepEqual(rest, []);
    assert.equal(report?.pattern, 'store.ingest');
    const suggestions = report?.suggestions ?? [];
    assert.ok(suggestions.length > 0 && suggestions.length <= 3);
    assert.ok(suggestions.every((name) => catalogNames.includes(name)));
    assert.ok(
      suggestions.some((name) => name.startsWith('message-ingest.')),
      suggestions.join(','),
    );
    assert.ok(
      suggestions.some((name) => name.startsWith('store.')),
      suggestions.join(','),
    );
  });

  it('does not report patterns that select catalog types', () => {
    assert.deepEqual(unmatchedPatterns(['auth.*', '*.error', '*', '{auth,security}.*', 'dsn', '!smtp.*']), []);
  });

  it('reports exclusions and custom names as written, and offers the obvious fix for a typo', () => {
    const reports = unmatchedPatterns(['!auth.sucess', 'app.order-placed', 'Auth.success']);
    assert.deepEqual(
      reports.map((report) => report.pattern),
      ['!auth.sucess', 'app.order-placed', 'Auth.success'],
    );
    assert.equal(reports[0]?.suggestions[0], 'auth.success');
    assert.equal(reports[2]?.suggestions[0], 'auth.success');
  });

  it('selectedEventTypes lists the catalog names a list selects, in catalog order', () => {
    const selected = selectedEventTypes(['telemetry.*', '!telemetry.log-error']);
    assert.deepEqual(
      selected,
      catalogNames.filter((name) => name.startsWith('telemetry.') && name !== 'telemetry.log-error' && name !== 'telemetry.webhook-error'),
    );
    assert.ok(catalogNames.includes('telemetry.log-error'));
  });
});

describe('nearest names', () => {
  it('a one-letter typo is offered first', () => {
    assert.equal(nearest('smtp.conection-start', catalogNames)[0], 'smtp.connection-start');
    assert.equal(nearest('atuh.success', catalogNames)[0], 'auth.success');
    assert.deepEqual(nearest('dsnn', catalogNames, 1), ['dsn']);
  });

  it('returns at most max names, and none for something unlike every candidate', () => {
    assert.equal(nearest('auth.sucess', catalogNames, 2).length, 2);
    assert.deepEqual(nearest('auth.sucess', catalogNames, 0), []);
    assert.deepEqual(nearest('xyzzy', catalogNames), []);
  });

  it('edit distance counts insertions, deletions and substitutions', () => {
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('', 'abc'), 3);
    assert.equal(levenshtein('same', 'same'), 0);
  });
});
