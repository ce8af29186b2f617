import { tenantNames } from "../../infra/naming";
import { MAX_STOP_TIMEOUT } from "../../infra/sim/aws-model";
import { arr, obj, ofType, parse, tenantSecretArns, type Problems, type TenantRun } from "./tenant-invariants";

/** Names that announce a credential; `_ARN` variables are allowed when they hold this tenant's secret ARNs. */
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)/i;
/** Values that look like a credential whatever the variable is called. */
const CREDENTIAL_VALUE = [
  /AKIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /:\/\/[^/\s:@]+:[^/\s@]+@/,
  /"password"\s*:/i,
];
const ROOT_USERS = new Set(["", "root", "0", "0:0", "root:root"]);

export function checkTaskDefinition(run: TenantRun, p: Problems): void {
  const names = tenantNames(run.spec);
  const secrets = tenantSecretArns(run);
  const generated = ofType(run, "aws:secretsmanager/secretVersion:SecretVersion")
    .flatMap((v) => [v.inputs["secretString"], v.inputs["secretStringWo"]])
    .filter((s): s is string => typeof s === "string");
  const defs = ofType(run, "aws:ecs/taskDefinition:TaskDefinition");
  // The service's and the one-off bootstrap task's.
  p.expect(defs.length === 2, undefined, `expected exactly two task definitions, found ${defs.length}`);
  for (const td of defs) {
    for (const c of arr(parse(td.inputs["containerDefinitions"])).map(obj)) {
      const where = `container ${String(c["name"])}`;
      p.expect(
        !ROOT_USERS.has(String(c["user"] ?? "")),
        td,
        `${where} must run as a non-root user (got ${JSON.stringify(c["user"])})`,
      );
      p.expect(c["readonlyRootFilesystem"] === true, td, `${where} must have a read-only root filesystem`);
      p.expect(
        typeof c["stopTimeout"] === "number" && c["stopTimeout"] <= MAX_STOP_TIMEOUT,
        td,
        `${where} stopTimeout must be set and ≤${MAX_STOP_TIMEOUT} (got ${String(c["stopTimeout"])})`,
      );
      const log = obj(c["logConfiguration"]);
      const o = obj(log["options"]);
      p.expect(log["logDriver"] === "awslogs", td, `${where} must log with awslogs`);
      p.expect(
        o["awslogs-group"] === run.shared.logGroupName,
        td,
        `${where} must log to the central group ${run.shared.logGroupName} (got ${String(o["awslogs-group"])})`,
      );
      p.expect(
        o["awslogs-stream-prefix"] === names.logStreamPrefix,
        td,
        `${where} stream prefix must be the per-tenant ${names.logStreamPrefix} (got ${String(o["awslogs-stream-prefix"])})`,
      );
      p.expect(
        o["mode"] === "blocking" || o["mode"] === "non-blocking",
        td,
        `${where} awslogs mode must be explicit (got ${String(o["mode"])})`,
      );
      for (const e of arr(c["environment"]).map(obj)) {
        const name = String(e["name"]);
        const value = String(e["value"]);
        const isArnVar = name.endsWith("_ARN");
        p.expect(
          !CREDENTIAL_NAME.test(name) || (isArnVar && secrets.has(value)),
          td,
          `${where} env ${name} looks like a credential; only this tenant's secret ARNs may be passed (value of ${value.length} characters not shown)`,
        );
        p.expect(
          !CREDENTIAL_VALUE.some((re) => re.test(value)) && !generated.includes(value),
          td,
          `${where} env ${name} holds a credential value`,
        );
        if (value.startsWith("arn:") && value.includes(":secretsmanager:"))
          p.expect(secrets.has(value), td, `${where} env ${name} names a secret that is not this tenant's: ${value}`);
      }
      for (const s of arr(c["secrets"]).map(obj)) {
        const from = String(s["valueFrom"]);
        p.expect(
          [...secrets].some((arn) => from === arn || from.startsWith(`${arn}:`)),
          td,
          `${where} secret ${String(s["name"])} must be one of this tenant's secret ARNs (got ${from})`,
        );
      }
    }
  }
  for (const v of ofType(run, "aws:secretsmanager/secretVersion:SecretVersion")) {
    for (const key of ["secretString", "secretStringWo", "secretBinary"].filter((k) => v.inputs[k] !== undefined)) {
      p.expect(v.secretInputs.includes(key), v, `${key} must be a Pulumi secret (it would be plaintext in state)`);
    }
  }
  for (const s of ofType(run, "aws:secretsmanager/secret:Secret")) {
    const window = s.inputs["recoveryWindowInDays"];
    p.expect(
      run.spec.preview === undefined ? window !== 0 : window === 0,
      s,
      `recoveryWindowInDays ${String(window)}: previews force-delete (0), tenants keep a window`,
    );
  }
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const statements = (doc: unknown): Statement[] => arr(obj(parse(doc))["Statement"]).map((s) => obj(s) as Statement);

export function checkIam(run: TenantRun, p: Problems): void {
  const secrets = tenantSecretArns(run);
  for (const role of ofType(run, "aws:iam/role:Role")) {
    for (const s of statements(role.inputs["assumeRolePolicy"])) {
      const account = obj(obj(s.Condition)["StringEquals"])["aws:SourceAccount"];
      p.expect(
        arr(account).length === 1 && arr(account)[0] === run.shared.accountId,
        role,
        `trust policy must require aws:SourceAccount ${run.shared.accountId} (got ${JSON.stringify(s.Condition)})`,
      );
    }
    p.expect(
      arr(role.inputs["managedPolicyArns"]).length === 0,
      role,
      "managed policies must be attached explicitly, not via managedPolicyArns",
    );
  }
  const docs = [
    ...ofType(run, "aws:iam/rolePolicy:RolePolicy").map((r) => ({ r, doc: r.inputs["policy"] })),
    ...ofType(run, "aws:iam/policy:Policy").map((r) => ({ r, doc: r.inputs["policy"] })),
    ...ofType(run, "aws:iam/role:Role").flatMap((r) =>
      arr(r.inputs["inlinePolicies"]).map((ip) => ({ r, doc: obj(ip)["policy"] })),
    ),
  ];
  for (const { r, doc } of docs) {
    for (const s of statements(doc)) {
      const actions = arr(s.Action).map(String);
      const resources = arr(s.Resource).map(String);
      const touchesSecrets = actions.some((a) => a === "*" || a.toLowerCase().startsWith("secretsmanager:"));
      if (!touchesSecrets || s.Effect !== "Allow") continue;
      p.expect(
        resources.length > 0 && resources.every((arn) => secrets.has(arn)),
        r,
        `secret permissions may name only this tenant's secret ARNs (got ${JSON.stringify(resources)})`,
      );
    }
  }
  for (const a of ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
    const arn = String(a.inputs["policyArn"]);
    p.expect(
      arn === "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
      a,
      `only AmazonECSTaskExecutionRolePolicy may be attached (it grants no secret access); got ${arn}`,
    );
  }
}

/**
 * The RDS master secret (rds_superuser over the tenant's data) is out of the service's reach: its task definition,
 * task role and execution role name it nowhere; the service reads the app role's secret instead. The only task
 * definition that names it is the bootstrap's, whose role is under the bootstrap path and is not the service's.
 */
export function checkMasterSecretUnreachable(run: TenantRun, p: Problems): void {
  const master = ofType(run, "aws:rds/instance:Instance").flatMap((db) =>
    arr(db.outputs["masterUserSecrets"]).map((m) => String(obj(m)["secretArn"])),
  );
  const service = ofType(run, "aws:ecs/service:Service")[0];
  const defs = ofType(run, "aws:ecs/taskDefinition:TaskDefinition");
  const serviceDef = defs.find((d) => d.outputs["arn"] === service?.inputs["taskDefinition"]);
  p.expect(serviceDef !== undefined, service, "the service's task definition must be in the stack");
  if (serviceDef === undefined || master.length === 0) return;
  const names = (text: string) => master.some((arn) => text.includes(arn));
  p.expect(
    !names(JSON.stringify(serviceDef.inputs)),
    serviceDef,
    "the service's task definition names the RDS master secret",
  );
  const env = arr(parse(serviceDef.inputs["containerDefinitions"]))
    .map(obj)
    .flatMap((c) => arr(c["environment"]).map(obj));
  const dbSecret = String(env.find((e) => e["name"] === "DB_SECRET_ARN")?.["value"]);
  const appSecret = ofType(run, "aws:secretsmanager/secret:Secret").find((sec) => sec.outputs["arn"] === dbSecret);
  p.expect(
    appSecret !== undefined,
    serviceDef,
    `DB_SECRET_ARN must be a secret this stack creates (the app role's), got ${dbSecret}`,
  );
  p.expect(
    env.find((e) => e["name"] === "DB_SSL_CA_FILE")?.["value"] === "/app/certs/rds-global-bundle.pem",
    serviceDef,
    "DB_SSL_CA_FILE must point at the CA bundle the image ships",
  );

  const roleKey = (arn: unknown) => ofType(run, "aws:iam/role:Role").find((r) => r.outputs["arn"] === arn);
  const serviceRoles = [
    roleKey(serviceDef.inputs["taskRoleArn"]),
    roleKey(serviceDef.inputs["executionRoleArn"]),
  ].filter((r) => r !== undefined);
  p.expect(serviceRoles.length === 2, serviceDef, "the service's task and execution roles must be in the stack");
  for (const role of serviceRoles) {
    const roleName = role.outputs["name"] ?? role.physicalName;
    for (const pol of ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((x) => x.inputs["role"] === roleName)) {
      p.expect(
        !names(JSON.stringify(pol.inputs)),
        pol,
        `a policy of the service's role ${role.name} names the RDS master secret`,
      );
    }
    p.expect(
      !String(role.inputs["path"] ?? "/").includes("/bootstrap/"),
      role,
      "a service role must not sit under the bootstrap path (the task runner could pass it)",
    );
  }
  for (const other of defs.filter((d) => d !== serviceDef && names(JSON.stringify(d.inputs)))) {
    p.expect(
      String(other.inputs["family"]).endsWith("-bootstrap"),
      other,
      "only the bootstrap task definition may name the master secret",
    );
    const bootRole = roleKey(other.inputs["taskRoleArn"]);
    p.expect(
      bootRole !== undefined &&
        !serviceRoles.includes(bootRole) &&
        String(bootRole.inputs["path"]).includes("/bootstrap/"),
      other,
      "the bootstrap task must run with its own role under the bootstrap path",
    );
  }
}
