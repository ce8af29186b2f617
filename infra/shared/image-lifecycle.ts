// What ECR keeps of the app repository: the preview workflow pushes one image per pull-request commit, tagged
// `preview-<sha>`, and without a lifecycle policy they pile up for ever (storage is billed per GB-month). Tenant images
// (`src-<hash>`, or whatever tag a release pushes) are never selected: only the preview prefix and untagged images are.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The tag prefix `.github/workflows/preview.yml` pushes preview images under; keep the two in step. */
export const PREVIEW_TAG_PREFIX = "preview-";
/**
 * Preview images kept, newest first. A preview lives at most 30 days and is redeployed on each push, so the images of
 * live previews are among the newest; 100 leaves room for a busy repository's open pull requests.
 */
export const PREVIEW_IMAGES_KEPT = 100;
/** Untagged images (an interrupted push, a manifest whose tag never landed) are of no use to anyone after a day. */
export const UNTAGGED_EXPIRY_DAYS = 1;

export interface LifecycleRule {
  readonly rulePriority: number;
  readonly description: string;
  readonly selection: {
    readonly tagStatus: "tagged" | "untagged" | "any";
    readonly tagPrefixList?: readonly string[];
    readonly tagPatternList?: readonly string[];
    readonly countType: "imageCountMoreThan" | "sinceImagePushed";
    readonly countUnit?: "days";
    readonly countNumber: number;
  };
  readonly action: { readonly type: "expire" };
}

export interface LifecyclePolicyDocument {
  readonly rules: readonly LifecycleRule[];
}

export function imageLifecyclePolicy(): LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `keep the ${PREVIEW_IMAGES_KEPT} newest preview images`,
        selection: {
          tagStatus: "tagged",
          tagPrefixList: [PREVIEW_TAG_PREFIX],
          countType: "imageCountMoreThan",
          countNumber: PREVIEW_IMAGES_KEPT,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `expire untagged images after ${UNTAGGED_EXPIRY_DAYS} day`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: UNTAGGED_EXPIRY_DAYS,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/** The repository name is the path of its URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
export function repositoryNameOf(repositoryUrl: string): string {
  const slash = repositoryUrl.indexOf("/");
  if (slash < 0 || slash === repositoryUrl.length - 1)
    throw new Error(`repositoryNameOf: ${JSON.stringify(repositoryUrl)} is not an ECR repository URL`);
  return repositoryUrl.slice(slash + 1);
}

/** The policy as a resource of its own, beside the repository (a policy is not a tag or a setting of it). */
export function sharedImageLifecycle(
  name: string,
  repositoryUrl: pulumi.Input<string>,
  opts?: pulumi.CustomResourceOptions,
): aws.ecr.LifecyclePolicy {
  return new aws.ecr.LifecyclePolicy(
    `${name}-app-lifecycle`,
    {
      repository: pulumi.output(repositoryUrl).apply(repositoryNameOf),
      policy: JSON.stringify(imageLifecyclePolicy()),
    },
    opts,
  );
}
