/**
 * The AWS account as Pulumi's mocks, `tenantctl synth` and the test stand-in `pulumi` see it. Pure: no `@pulumi/*`
 * imports, so the CLI and the stand-in can load it without the SDK. The pieces live in sibling files by concern.
 */
export type { AccountResource, Props, SimContext, Violation } from "./types";
export { canonicalType } from "./types";
export { AUTO_NAME_RANDOM_LENGTH, defaultSeed, nameField, physicalName } from "./names";
export { simulateOutputs, type SimulatedResource, type SimulateOptions } from "./outputs";
export { SUPPORTED_AWSX_TYPES } from "./outputs-awsx";
export { policyDocumentJson, simulateInvoke, SUPPORTED_INVOKES, UnsupportedInvokeError } from "./invokes";
export { checkResource, type CheckOptions } from "./check";
export {
  checkAccount,
  checkAccountQuotas,
  checkAccountUniqueness,
  DEFAULT_QUOTAS,
  effectiveTags,
  forwardTargetGroupArns,
  type Quotas,
} from "./account";
export { LOG_RETENTION_DAYS } from "./rules-misc";
export { MAX_LISTENER_PRIORITY } from "./rules-elb";
export { MAX_STOP_TIMEOUT } from "./rules-ecs";
export {
  checkBehaviour,
  forcesTls,
  forwardedTargetGroups,
  serviceTargetGroups,
  targetGroupNotAssociatedMessage,
  unsupportedCertificateMessage,
  type BehaviourResource,
} from "./behaviour";
