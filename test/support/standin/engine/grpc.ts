import { createRequire } from "node:module";
import * as grpc from "@grpc/grpc-js";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engine from "@pulumi/pulumi/proto/engine_pb";
import * as eventsGrpc from "@pulumi/pulumi/proto/events_grpc_pb";
import * as events from "@pulumi/pulumi/proto/events_pb";
import * as languageGrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import * as language from "@pulumi/pulumi/proto/language_pb";
import * as provider from "@pulumi/pulumi/proto/provider_pb";
import * as resourceGrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resource from "@pulumi/pulumi/proto/resource_pb";

/**
 * gRPC and Pulumi's generated protobuf modules. Only the engine operations import this file (the CLI dispatcher
 * loads command modules lazily), so `version` and `stack ls` do not pay for it. Struct and Empty must come from the
 * google-protobuf copy @pulumi/pulumi bundles, or the generated messages reject them.
 */
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const { Struct } = fromPulumi(
  "google-protobuf/google/protobuf/struct_pb",
) as typeof import("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromPulumi(
  "google-protobuf/google/protobuf/empty_pb",
) as typeof import("google-protobuf/google/protobuf/empty_pb");

const loaded = {
  grpc,
  resource,
  resourceGrpc,
  provider,
  engine,
  engineGrpc,
  language,
  languageGrpc,
  events,
  eventsGrpc,
  Struct,
  Empty,
};

export type Protos = typeof loaded;

export function protos(): Protos {
  return loaded;
}
