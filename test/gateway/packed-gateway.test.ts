// The gateway as npm packs it: `otel-webhook-exporter/gateway` resolves, and the build output
// finds the OTLP .proto files the package ships.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type * as GatewayModule from '../../src/gateway/index.ts';
import type * as PackageModule from '../../src/index.ts';
import { jsonRecord, jsonRequest, PROTOBUF, post, protobufBody } from '../helpers/otlp.ts';
import { installPacked, type PackedInstall } from '../helpers/packed.ts';
import { startReceiver } from '../helpers/receiver.ts';

let packed: PackedInstall;
before(() => {
  packed = installPacked();
});
after(() => packed.cleanup());

describe('the packed gateway', () => {
  it('ships the four OTLP .proto files', () => {
    for (const file of [
      'common/v1/common.proto',
      'resource/v1/resource.proto',
      'logs/v1/logs.proto',
      'collector/logs/v1/logs_service.proto',
    ]) {
      assert.ok(packed.files.includes(`proto/opentelemetry/proto/${file}`), file);
    }
  });

  it('is exported as otel-webhook-exporter/gateway', () => {
    const script = "const m = await import('otel-webhook-exporter/gateway'); console.log(typeof m.startGateway, m.DEFAULT_PORT);";
    const out = execFileSync(process.execPath, ['--input-type=module', '--eval', script], { cwd: packed.dir, encoding: 'utf8' });
    assert.equal(out.trim(), 'function 4318');
  });

  it('decodes protobuf requests from the build output', async () => {
    const dist = (file: string): string => pathToFileURL(join(packed.packageDir, 'dist', file)).href;
    const { startGateway } = (await import(dist('gateway/index.js'))) as typeof GatewayModule;
    const { WebhookLogRecordProcessor } = (await import(dist('index.js'))) as typeof PackageModule;
    const receiver = await startReceiver();
    const processor = new WebhookLogRecordProcessor({ id: 'packed', url: receiver.url, events: ['*'] });
    const gateway = await startGateway({ processors: [processor], port: 0 });
    try {
      const answer = await post(
        `${gateway.url}/v1/logs`,
        protobufBody(jsonRequest([jsonRecord('auth.success', { accountName: 'jane' })])),
        {
          'content-type': PROTOBUF,
        },
      );
      assert.equal(answer.status, 200);
      const [request] = await receiver.waitForRequests(1);
      assert.match(request?.body.toString() ?? '', /"type":"auth.success","data":\{"accountName":"jane"\}/);
    } finally {
      await gateway.shutdown();
      await receiver.close();
    }
  });
});
