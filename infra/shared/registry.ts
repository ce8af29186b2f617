// The app image's home: an ECR repository with immutable tags and scan-on-push, and the image itself, either built
// here from `app/` or taken as given.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";

export interface SharedRegistryArgs {
  /** A prebuilt image; when absent the image is built from `appPath`. */
  readonly imageUri?: string;
  readonly appPath: string;
  readonly tags: Readonly<Record<string, string>>;
}

export class SharedRegistry extends pulumi.ComponentResource {
  readonly repositoryUrl: pulumi.Output<string>;
  /** By digest when built here, so every tenant started from it runs exactly these bytes. */
  readonly imageUri: pulumi.Output<string>;

  constructor(name: string, args: SharedRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:shared:SharedRegistry", name, {}, opts);
    // Immutable tags: a tag a tenant was deployed with can never be made to point at other bytes.
    const repository = new aws.ecr.Repository(
      `${name}-app`,
      {
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        // Tenants pinned to an old image still need it, so deleting the repository with images in it must fail.
        forceDelete: false,
        tags: args.tags,
      },
      { parent: this },
    );

    this.repositoryUrl = repository.repositoryUrl;
    this.imageUri =
      args.imageUri === undefined
        ? new awsx.ecr.Image(
            `${name}-image`,
            {
              repositoryUrl: repository.repositoryUrl,
              context: args.appPath,
              dockerfile: join(args.appPath, "Dockerfile"),
              // Task definitions run X86_64; building for it explicitly keeps an ARM laptop from pushing the wrong arch.
              platform: "linux/amd64",
              imageTag: sourceTag(args.appPath),
            },
            { parent: this },
          ).imageUri
        : pulumi.output(args.imageUri);
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, imageUri: this.imageUri });
  }
}

/** Not part of the image's inputs: dependencies are installed inside the build, outputs are rebuilt. */
const SKIPPED = new Set(["node_modules", ".git", "dist", "coverage", ".pulumi", ".tenantctl"]);
export const SOURCE_TAG_PREFIX = "src-";

function files(root: string, dir: string, out: string[]): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files(root, path, out);
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out;
}

/**
 * `src-` + 12 hex of a hash over every file's path and content under `dir`. Derived from the source so the
 * repository's immutable tags hold: the same source gives the same tag (re-pushing identical bytes), any change a new one.
 */
export function sourceTag(dir: string): string {
  const hash = createHash("sha256");
  for (const file of files(dir, dir, [])) {
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(dir, file)))
      .update("\0");
  }
  return `${SOURCE_TAG_PREFIX}${hash.digest("hex").slice(0, 12)}`;
}
