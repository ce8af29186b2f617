/**
 * Jest-side helpers for suites that talk to the fake S3 (test/support/fake-s3.ts); kept out of test/support because
 * they use jest's hooks and test/support is compiled into dist/ for the stand-in.
 */
import { S3RecordStore, type S3RecordStoreOptions } from "../../cli/store/records-s3";
import { parseS3BackendUrl } from "../../cli/store/s3-url";
import { FakeS3 } from "../support/fake-s3";

/** Fake credentials for stores pointed at the fake (it accepts any signature); one attempt, so faults show at once. */
export const FAKE_S3_CLIENT = {
  credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret-value" },
  maxAttempts: 1,
};

/**
 * A suite's fake S3: started before its tests, stopped after them, with every S3RecordStore opened through `open`
 * closed first. `url(bucket, prefix)` is the backend URL of a prefix in the fake.
 */
export function fakeS3Suite(buckets: readonly string[]): {
  readonly server: () => FakeS3;
  readonly url: (bucket: string, prefix: string, extra?: string) => string;
  readonly open: (url: string, options?: S3RecordStoreOptions) => S3RecordStore;
} {
  let server: FakeS3 | undefined;
  const opened: S3RecordStore[] = [];
  beforeAll(async () => {
    server = await FakeS3.start(buckets);
  });
  afterAll(async () => {
    for (const store of opened) await store.close();
    await server?.close();
  });
  const running = (): FakeS3 => {
    if (server === undefined) throw new Error("fakeS3Suite: the fake S3 is started in beforeAll; use it inside tests");
    return server;
  };
  return {
    server: running,
    url: (bucket, prefix, extra = "") =>
      `s3://${bucket}/${prefix}?endpoint=${running().endpoint}&s3ForcePathStyle=true&region=us-east-1${extra}`,
    open: (url, options = {}) => {
      const store = new S3RecordStore(parseS3BackendUrl(url), { client: FAKE_S3_CLIENT, ...options });
      opened.push(store);
      return store;
    },
  };
}
