import * as path from "node:path";

/**
 * gRPC and Pulumi's generated protobuf modules, loaded on first use: only engine operations need them and loading
 * them costs more than the rest of a `stack ls`. Struct must come from the google-protobuf copy @pulumi/pulumi
 * bundles, or the generated messages reject it.
 */
export interface Protos {
  grpc: typeof import("@grpc/grpc-js");
  resource: typeof import("@pulumi/pulumi/proto/resource_pb");
  resourceGrpc: typeof import("@pulumi/pulumi/proto/resource_grpc_pb");
  provider: typeof import("@pulumi/pulumi/proto/provider_pb");
  engine: typeof import("@pulumi/pulumi/proto/engine_pb");
  engineGrpc: typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
  language: typeof import("@pulumi/pulumi/proto/language_pb");
  languageGrpc: typeof import("@pulumi/pulumi/proto/language_grpc_pb");
  events: typeof import("@pulumi/pulumi/proto/events_pb");
  eventsGrpc: typeof import("@pulumi/pulumi/proto/events_grpc_pb");
  Struct: typeof import("google-protobuf/google/protobuf/struct_pb").Struct;
  Empty: typeof import("google-protobuf/google/protobuf/empty_pb").Empty;
}

let loaded: Protos | undefined;

export function protos(): Protos {
  if (loaded) return loaded;
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const fromPulumi = (id: string): unknown => require(require.resolve(id, { paths: [pulumiDir] }));
  loaded = {
    grpc: require("@grpc/grpc-js") as Protos["grpc"],
    resource: require("@pulumi/pulumi/proto/resource_pb") as Protos["resource"],
    resourceGrpc: require("@pulumi/pulumi/proto/resource_grpc_pb") as Protos["resourceGrpc"],
    provider: require("@pulumi/pulumi/proto/provider_pb") as Protos["provider"],
    engine: require("@pulumi/pulumi/proto/engine_pb") as Protos["engine"],
    engineGrpc: require("@pulumi/pulumi/proto/engine_grpc_pb") as Protos["engineGrpc"],
    language: require("@pulumi/pulumi/proto/language_pb") as Protos["language"],
    languageGrpc: require("@pulumi/pulumi/proto/language_grpc_pb") as Protos["languageGrpc"],
    events: require("@pulumi/pulumi/proto/events_pb") as Protos["events"],
    eventsGrpc: require("@pulumi/pulumi/proto/events_grpc_pb") as Protos["eventsGrpc"],
    Struct: (fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb")).Struct,
    Empty: (fromPulumi("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb")).Empty,
  };
  return loaded;
}
