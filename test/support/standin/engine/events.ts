import * as fs from "node:fs";
import type { ClientWritableStream } from "@grpc/grpc-js";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { EventRequest } from "@pulumi/pulumi/proto/events_pb";
import { protos } from "./grpc";
import { trackGrpc } from "../command-state";

export type EventBody = Omit<EngineEvent, "sequence" | "timestamp">;

/**
 * Engine events to `--event-log`: over the gRPC Events service for `tcp://host:port` (what the SDK sets up for CLI
 * versions above 3.205.0, so for the 3.248.0 the stand-in reports), or as JSON lines for a file path (older CLIs).
 */
export class EventSink {
  private sequence = 0;
  private readonly events: EventBody[] = [];

  private constructor(
    private readonly stream: ClientWritableStream<EventRequest> | undefined,
    private readonly done: Promise<void> | undefined,
    private readonly file: string | undefined,
  ) {}

  static open(target: string | undefined): EventSink {
    if (target === undefined) return new EventSink(undefined, undefined, undefined);
    if (!target.startsWith("tcp://")) return new EventSink(undefined, undefined, target);
    const p = protos();
    const client = trackGrpc(
      new p.eventsGrpc.EventsClient(target.slice("tcp://".length), p.grpc.credentials.createInsecure()),
    );
    let stream: ClientWritableStream<EventRequest> | undefined;
    const done = new Promise<void>((resolve) => {
      // A consumer that went away must not fail the operation: the update already happened.
      stream = client.streamEvents(() => {
        client.close();
        resolve();
      });
    });
    return new EventSink(stream, done, undefined);
  }

  emit(body: EventBody): void {
    this.events.push(body);
    const event = { sequence: ++this.sequence, timestamp: Math.floor(Date.now() / 1000), ...body } as EngineEvent;
    const line = JSON.stringify(event);
    if (this.stream) {
      const req = new (protos().events.EventRequest)();
      req.setEvent(line);
      this.stream.write(req);
    } else if (this.file) {
      fs.appendFileSync(this.file, `${line}\n`);
    }
  }

  /** Everything emitted so far, for the text display and the summary. */
  emitted(): readonly EventBody[] {
    return this.events;
  }

  /** Ends the stream with the cancel event the real engine sends last, and waits until the SDK has it all. */
  async close(): Promise<void> {
    this.emit({ cancelEvent: {} });
    if (this.stream) {
      this.stream.end();
      await this.done;
    }
  }
}
