import * as aws from "@pulumi/aws";
import { synthesize } from "../../infra/sim/synth";
test("bench", async () => {
  const opts = (i: number) => ({ project: "p", stack: `dev-t${i}`, ctx: { region: "us-east-1", accountId: "123456789012" } });
  await synthesize(async () => ({}), opts(0));
  const t = Date.now();
  for (let i = 0; i < 40; i++) await synthesize(async () => { for (let j = 0; j < 10; j++) new aws.secretsmanager.Secret("x" + j); return {}; }, opts(i));
  console.log("ten", (Date.now() - t) / 40);
});
