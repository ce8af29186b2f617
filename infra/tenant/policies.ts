// IAM documents of a tenant, built from plain strings so tests can read them without running Pulumi.

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Readonly<Record<string, string>>;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export interface TrustScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/**
 * Lets ECS tasks assume the role, but only on behalf of this account's ECS in this region (confused-deputy guard:
 * another account's ECS cannot pass our role to its tasks).
 */
export function ecsTasksTrustPolicy(scope: TrustScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EcsTasksOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": scope.accountId },
          ArnLike: { "aws:SourceArn": `arn:${scope.partition}:ecs:${scope.region}:${scope.accountId}:*` },
        },
      },
    ],
  };
}

/** Read access to exactly the given secrets (this tenant's), nothing listed by wildcard. */
export function readSecretsPolicy(secretArns: readonly string[]): PolicyDocument {
  const problem = secretArns.find(
    (arn) => !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^*?]+$/.test(arn),
  );
  if (problem !== undefined || secretArns.length === 0) {
    throw new Error(`readSecretsPolicy: ${JSON.stringify(problem ?? secretArns)} is not a list of exact secret ARNs`);
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadThisTenantsSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [...secretArns].sort(),
      },
    ],
  };
}

/** AWS's managed policy for pulling images and writing logs; it grants no secret access. */
export function taskExecutionManagedPolicyArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;
}

/**
 * The bootstrap task's only rights: read the RDS master secret (to log in as the master user) and set the app
 * role's secret. The service's task role never gets the master secret (readSecretsPolicy with the app secret).
 */
export function bootstrapSecretsPolicy(masterSecretArn: string, appSecretArn: string): PolicyDocument {
  const read = readSecretsPolicy([masterSecretArn]).Statement[0];
  readSecretsPolicy([appSecretArn]);
  if (read === undefined) throw new Error("bootstrapSecretsPolicy: no statement");
  return {
    Version: "2012-10-17",
    Statement: [
      { ...read, Sid: "ReadTheMasterSecret", Action: ["secretsmanager:GetSecretValue"] },
      {
        Sid: "SetTheAppRoleSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"],
        Resource: [appSecretArn],
      },
    ],
  };
}
