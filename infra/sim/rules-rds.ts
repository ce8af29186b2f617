import { checkName, type Findings, type NameRule } from "./rules-common";
import { asArray, asNumber, asString, type Props } from "./types";

const IDENTIFIER: NameRule = {
  what: "DB instance identifier",
  max: 63,
  charset: /^[A-Za-z0-9-]*$/,
  allowed: "letters, digits and hyphens",
  code: "InvalidParameterValue",
  startsWithLetter: true,
  noEdgeHyphen: true,
  noDoubleHyphen: true,
};
const DB_NAME: NameRule = {
  what: "Postgres database name",
  max: 63,
  charset: /^[A-Za-z0-9_]*$/,
  allowed: "letters, digits and underscores",
  code: "InvalidParameterValue",
  startsWithLetter: true,
};
const USERNAME: NameRule = {
  what: "master username",
  max: 16,
  charset: /^[A-Za-z0-9_]*$/,
  allowed: "letters, digits and underscores",
  code: "InvalidParameterValue",
  startsWithLetter: true,
};
const SNAPSHOT_ID: NameRule = {
  what: "final snapshot identifier",
  max: 255,
  charset: /^[A-Za-z0-9-]*$/,
  allowed: "letters, digits and hyphens",
  code: "InvalidParameterValue",
  startsWithLetter: true,
  noEdgeHyphen: true,
  noDoubleHyphen: true,
};
const SUBNET_GROUP: NameRule = {
  what: "DB subnet group name",
  max: 255,
  charset: /^[a-z0-9 ._-]*$/,
  allowed: "lower-case letters, digits, spaces, periods, underscores and hyphens",
  code: "InvalidParameterValue",
};

/** PostgreSQL words RDS refuses as a database name or master user (a sample of the reserved list that names collide with). */
const PG_RESERVED = new Set([
  "all",
  "analyse",
  "analyze",
  "and",
  "any",
  "array",
  "as",
  "asc",
  "case",
  "check",
  "column",
  "constraint",
  "create",
  "current_user",
  "default",
  "desc",
  "distinct",
  "do",
  "else",
  "end",
  "false",
  "for",
  "foreign",
  "from",
  "grant",
  "group",
  "having",
  "in",
  "into",
  "is",
  "limit",
  "not",
  "null",
  "offset",
  "on",
  "only",
  "or",
  "order",
  "primary",
  "references",
  "select",
  "session_user",
  "table",
  "then",
  "to",
  "true",
  "union",
  "unique",
  "user",
  "using",
  "when",
  "where",
  "with",
]);
const RESERVED_USERS = new Set(["admin", "rdsadmin", "rds_superuser", "rds_replication", "public", ...PG_RESERVED]);

const MAX_BACKUP_RETENTION = 35;

export function checkRdsInstance(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "rds-identifier", IDENTIFIER, physical);
  const engine = asString(inputs["engine"]) ?? "";
  const dbName = asString(inputs["dbName"]);
  if (dbName !== undefined && engine.startsWith("postgres")) {
    checkName(f, "rds-db-name", DB_NAME, dbName);
    f.require(
      !PG_RESERVED.has(dbName.toLowerCase()),
      "rds-db-name-reserved",
      "InvalidParameterValue",
      `database name "${dbName}" is a reserved word`,
    );
  }
  const username = asString(inputs["username"]);
  if (username !== undefined) {
    checkName(f, "rds-username", USERNAME, username);
    f.require(
      !RESERVED_USERS.has(username.toLowerCase()) && !username.toLowerCase().startsWith("pg_"),
      "rds-username-reserved",
      "InvalidParameterValue",
      `MasterUsername "${username}" cannot be used as it is a reserved word used by the engine`,
    );
  }
  const managed = inputs["manageMasterUserPassword"] === true;
  const hasPassword = inputs["password"] !== undefined || inputs["passwordWo"] !== undefined;
  f.require(
    !(managed && hasPassword),
    "rds-password-with-managed",
    "InvalidParameterCombination",
    "a master password cannot be given together with manageMasterUserPassword: true",
  );
  const restored = inputs["snapshotIdentifier"] !== undefined || inputs["replicateSourceDb"] !== undefined;
  f.require(
    managed || hasPassword || restored,
    "rds-password-missing",
    "InvalidParameterValue",
    "MasterUserPassword is required unless manageMasterUserPassword is true",
  );
  const skipFinal = inputs["skipFinalSnapshot"] === true;
  const finalId = asString(inputs["finalSnapshotIdentifier"]);
  f.require(
    skipFinal || finalId !== undefined,
    "rds-final-snapshot-missing",
    "InvalidParameterCombination",
    "FinalDBSnapshotIdentifier is required when a final snapshot is required (skipFinalSnapshot is not true)",
  );
  if (finalId !== undefined) checkName(f, "rds-final-snapshot", SNAPSHOT_ID, finalId);
  const retention = asNumber(inputs["backupRetentionPeriod"]);
  if (retention !== undefined) {
    f.require(
      Number.isInteger(retention) && retention >= 0 && retention <= MAX_BACKUP_RETENTION,
      "rds-backup-retention",
      "InvalidParameterValue",
      `backupRetentionPeriod ${retention} (allowed: 0–${MAX_BACKUP_RETENTION} days)`,
    );
  }
  const storage = asNumber(inputs["allocatedStorage"]);
  if (storage !== undefined && engine.startsWith("postgres")) {
    f.require(
      storage >= 20 && storage <= 65536,
      "rds-allocated-storage",
      "InvalidParameterValue",
      `allocatedStorage ${storage} GiB (allowed: 20–65536 for Postgres on gp2/gp3)`,
    );
  }
  const instanceClass = asString(inputs["instanceClass"]);
  if (instanceClass !== undefined) {
    f.require(
      /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceClass),
      "rds-instance-class",
      "InvalidParameterValue",
      `instanceClass "${instanceClass}" is not of the form db.<family>.<size>`,
    );
  }
  if (inputs["multiAz"] === true) {
    f.require(
      inputs["availabilityZone"] === undefined,
      "rds-multi-az-with-az",
      "InvalidParameterCombination",
      "availabilityZone cannot be set on a Multi-AZ instance",
    );
  }
}

export function checkDbSubnetGroup(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) {
    checkName(f, "db-subnet-group-name", SUBNET_GROUP, physical);
    f.require(
      physical.toLowerCase() !== "default",
      "db-subnet-group-default",
      "InvalidParameterValue",
      `DB subnet group name "default" is reserved`,
    );
  }
  const subnets = asArray(inputs["subnetIds"]);
  f.require(
    subnets.length >= 2,
    "db-subnet-group-azs",
    "DBSubnetGroupDoesNotCoverEnoughAZs",
    `DB subnet group has ${subnets.length} subnet(s); it needs subnets in at least 2 Availability Zones`,
  );
}
