import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The copied OTLP .proto files: `proto/` at the package root, two levels above both `src/gateway/` and `dist/gateway/`. */
export const PROTO_ROOT: string = fileURLToPath(new URL('../../proto/', import.meta.url));

const PACKAGE = 'opentelemetry.proto.collector.logs.v1';

/** The messages the gateway reads and writes. */
export interface OtlpSchema {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  /** `google.rpc.Status` without `details`: the body of an error answer. */
  readonly status: protobuf.Type;
}

let schema: OtlpSchema | undefined;

/** `google.rpc.Status { int32 code = 1; string message = 2; }` (its `details` are never sent). */
function statusType(): protobuf.Type {
  const type = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
  new protobuf.Root().define('google.rpc').add(type);
  return type;
}

/** Loads and links the OTLP log schema once (a few milliseconds); throws when the .proto files are missing. */
export function otlpSchema(): OtlpSchema {
  if (schema !== undefined) return schema;
  const root = new protobuf.Root();
  // Imports name paths from the proto root, as protoc's include path would.
  root.resolvePath = (_origin, target) => (target.startsWith(PROTO_ROOT) ? target : PROTO_ROOT + target);
  root.loadSync('opentelemetry/proto/collector/logs/v1/logs_service.proto');
  root.resolveAll();
  schema = {
    request: root.lookupType(`${PACKAGE}.ExportLogsServiceRequest`),
    response: root.lookupType(`${PACKAGE}.ExportLogsServiceResponse`),
    status: statusType(),
  };
  return schema;
}
