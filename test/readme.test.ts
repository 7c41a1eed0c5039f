/**
 * Every ```ts / ```js block of README.md, run as a program against the built package.
 *
 * Each block is written into a directory inside a built copy of the package, so that
 * `import … from 'otel-webhook-exporter'` resolves to its dist/ (by self-reference) and the
 * OpenTelemetry packages through its node_modules link, and run with node in a child process.
 * What the README points at is replaced first (SUBSTITUTIONS below):
 *
 *   README writes                    the test runs
 *   https://hooks.example.com/…      the loopback receiver, same path
 *   '/etc/stalwart/config.toml'      a temporary config with [webhook."readme"] → the receiver
 *   .listen(8080)                    .listen(<a free port>)
 *
 * and the child's environment has WEBHOOK_KEY (the signature key of every webhook) and
 * OTEL_EXPORTER_OTLP_ENDPOINT (the receiver, so the OTLP exporter of a snippet has somewhere
 * to send). A block must exit with 0; every event type it emits (`eventName: '…'`) must reach
 * the receiver, with a valid signature where one is sent.
 *
 * No keep-alive preload is used: each block emits one event, which goes out at once (the
 * leading edge of the throttle window) while the request keeps the child alive. A block that
 * emitted more events within one window and then awaited `shutdown()` could see the child
 * exit before the rest were sent, as long as shutdown does not hold the event loop open.
 *
 * A marker on the line before a block changes how it is run:
 *   <!-- snippet: server -->  a server: started, sent a signed and a forged batch (expects
 *                             204 and 401, and the event printed), then stopped
 *   <!-- snippet: skip -->    not run: only for fragments that cannot run on their own
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sign, verifySignature } from '../src/http/sign.ts';
import { installPacked } from './helpers/packed.ts';
import { eventsOf } from './helpers/pipeline.ts';
import { emittedTypes, readSnippets, type Snippet, type Substitution, substitute } from './helpers/readme-snippets.ts';
import { receivers } from './helpers/receivers.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const snippets = readSnippets(join(root, 'README.md'));
const receiver = receivers();
const KEY = 'readme-signing-key';

let dir = '';
let remove = (): void => {};
before(() => {
  const packed = installPacked();
  remove = packed.cleanup;
  dir = join(packed.dir, 'readme');
  mkdirSync(dir);
});
after(() => remove());

/** A Stalwart configuration with one webhook, for snippets that read '/etc/stalwart/config.toml'. */
function writeConfig(url: string): string {
  const path = join(dir, 'config.toml');
  const toml = ['[webhook."readme"]', `url = "${url}/stalwart"`, 'events = ["auth.*"]', `signature-key = "${KEY}"`, 'throttle = "100ms"'];
  writeFileSync(path, `${toml.join('\n')}\n`);
  return path;
}

function substitutions(origin: string, port: number): Substitution[] {
  return [
    { find: /https:\/\/hooks\.example\.com/g, replace: origin, note: 'webhook URLs → the receiver' },
    { find: /'\/etc\/stalwart\/config\.toml'/g, replace: JSON.stringify(writeConfig(origin)), note: 'the config file → a test config' },
    { find: /\.listen\(8080\)/g, replace: `.listen(${port})`, note: 'a fixed port → a free one' },
  ];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function writeSnippet(snippet: Snippet, code: string): string {
  const path = join(dir, `line-${snippet.line}.${snippet.lang}`);
  writeFileSync(path, code);
  return path;
}

const childEnv = (origin: string): NodeJS.ProcessEnv => ({ ...process.env, WEBHOOK_KEY: KEY, OTEL_EXPORTER_OTLP_ENDPOINT: origin });

/** Paths the OTLP exporters of the SDK post to; everything else the receiver gets is a webhook. */
const isOtlp = (path: string): boolean => path.startsWith('/v1/');

async function runProgram(snippet: Snippet): Promise<void> {
  const r = await receiver();
  const origin = new URL(r.url).origin;
  const file = writeSnippet(snippet, substitute(snippet.code, substitutions(origin, await freePort())));
  try {
    await run(process.execPath, [file], { cwd: dir, env: childEnv(origin), timeout: 60_000 });
  } catch (error) {
    const { code, stderr } = error as { code?: number; stderr?: string };
    assert.fail(`README block at line ${snippet.line} exited with ${code}:\n${stderr}`);
  }
  const webhooks = r.requests.filter((request) => !isOtlp(request.path));
  const received = webhooks.flatMap((request) => eventsOf(request.body).map((event) => event.type));
  for (const type of emittedTypes(snippet.code))
    assert.ok(received.includes(type), `${type} not received; got ${JSON.stringify(received)}`);
  for (const request of webhooks) {
    const signature = request.headers['x-signature'];
    if (typeof signature === 'string') assert.ok(verifySignature(request.body, signature, KEY), 'the signature verifies');
  }
}

async function post(url: string, body: string, key: string): Promise<number> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'x-signature': sign(body, key) } });
  await response.arrayBuffer();
  return response.status;
}

/** Resolves once `url` answers at all; the server snippet needs a moment to start. */
async function whenListening(url: string, child: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (child.exitCode !== null) assert.fail(`the server exited with ${child.exitCode}`);
    try {
      await (await fetch(url, { method: 'HEAD' })).arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  assert.fail(`nothing listening at ${url}`);
}

async function runServer(snippet: Snippet): Promise<void> {
  const port = await freePort();
  const file = writeSnippet(snippet, substitute(snippet.code, substitutions('http://127.0.0.1:9', port)));
  const child = spawn(process.execPath, [file], { cwd: dir, env: childEnv('http://127.0.0.1:9'), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const url = `http://127.0.0.1:${port}/hook`;
    await whenListening(url, child);
    const body = JSON.stringify({
      events: [{ id: '1', createdAt: '2026-11-22T10:05:14Z', type: 'auth.success', data: { accountName: 'jane' } }],
    });
    assert.equal(await post(url, body, KEY), 204, 'a signed batch is taken');
    assert.equal(await post(url, body, 'another-key'), 401, 'a forged batch is refused');
    assert.match(output, /auth\.success/);
  } finally {
    child.kill();
    await exited;
  }
}

describe('README.md code blocks', () => {
  it('are nearly all run: at most one in four is marked skip', () => {
    const skipped = snippets.filter((snippet) => snippet.kind === 'skip').length;
    assert.ok(snippets.length >= 4, `${snippets.length} blocks found`);
    assert.ok(skipped * 4 <= snippets.length, `${skipped} of ${snippets.length} skipped`);
  });

  it('type-check, as written, against the built package (strict)', async () => {
    const files = snippets.filter((snippet) => snippet.kind !== 'skip').map((snippet) => writeSnippet(snippet, snippet.code));
    const tsconfig = {
      compilerOptions: { strict: true, target: 'es2023', module: 'nodenext', noEmit: true, skipLibCheck: true, types: ['node'] },
      files,
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir });
    } catch (error) {
      assert.fail(`tsc: ${(error as { stdout?: string }).stdout}`);
    }
  });

  for (const snippet of snippets) {
    const name = `the ${snippet.lang} block at line ${snippet.line}`;
    if (snippet.kind === 'skip') it(name, { skip: 'marked <!-- snippet: skip -->' }, () => {});
    else if (snippet.kind === 'server') it(`${name} serves: takes a signed batch, refuses a forged one`, () => runServer(snippet));
    else it(`${name} runs and delivers the events it emits`, () => runProgram(snippet));
  }
});
