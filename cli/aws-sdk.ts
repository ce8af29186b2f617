/**
 * Before loading an AWS SDK client. The pinned SDK prints an 8-line NodeVersionSupportWarning on Node < 22 (about
 * SDK releases after January 2027) on every command's stderr; tenantctl supports Node >= 20 (package.json engines)
 * and pins the SDK, so that is noise. An explicit setting by the operator wins.
 */
export function quietAwsSdkWarnings(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}
