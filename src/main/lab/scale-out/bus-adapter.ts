// The in-process cluster adapter: socket.io-adapter's ClusterAdapterWithHeartbeat over a bus
// that lives in the lab's process (it stands in for a broker: no TCP, no external program).
// Every message on the bus is a lab `bus` event, `out` on the node that published it and `in`
// on each node it reached, so the forwarding between nodes shows in the trace.

import { ClusterAdapterWithHeartbeat, MessageType, type Adapter, type ClusterAdapterOptions, type ClusterMessage, type ClusterResponse, type Offset, type ServerId } from "socket.io-adapter";
import type { Namespace } from "socket.io";
import type { ApiCapture } from "../capture/api/api-capture.js";
import { sanitize } from "../capture/sanitize.js";
import { encodeCauses } from "./encode-causes.js";

type BusMessage = ClusterMessage | ClusterResponse;

interface BusMember {
  readonly host: string;
  readonly uid: ServerId;
  readonly nspName: string;
  /** A copy of a message that reached this node; `inId` is its `bus` in event. */
  deliver(message: BusMessage, inId: number): void;
}

/** Most characters of a message's data kept in its event (a broadcast's arguments can be big). */
const DATA_MAX = 2000;

function dataOf(message: BusMessage): unknown {
  if (!("data" in message)) return undefined;
  const data = sanitize(message.data);
  const text = JSON.stringify(data);
  return text.length <= DATA_MAX ? data : `${text.slice(0, DATA_MAX - 1)}…`;
}

/** The bus: delivers each message to the other nodes' adapters of the same namespace, a turn of the event loop later. */
export class InProcessBus {
  private readonly members = new Set<BusMember>();

  /** Bus messages are recorded through the api capture's `note`: each gets a reference that later causes name. */
  constructor(private readonly api: ApiCapture) {}

  join(member: BusMember): void {
    this.members.add(member);
  }

  leave(member: BusMember): void {
    this.members.delete(member);
  }

  publish(from: BusMember, message: ClusterMessage, cause: number | undefined): void {
    this.send(from, message, [...this.members].filter((m) => m !== from && m.nspName === message.nsp), cause);
  }

  respond(from: BusMember, requester: ServerId, response: ClusterResponse, cause: number | undefined): void {
    this.send(from, response, [...this.members].filter((m) => m.uid === requester && m.nspName === response.nsp), cause);
  }

  private send(from: BusMember, message: BusMessage, targets: BusMember[], cause: number | undefined): void {
    const name = MessageType[message.type] ?? String(message.type);
    const requestId = "data" in message && typeof (message.data as { requestId?: unknown }).requestId === "string" ? (message.data as { requestId: string }).requestId : undefined;
    const to = targets.length === 1 && isResponse(message) ? targets[0]!.host : undefined;
    const data = dataOf(message);
    const common = { layer: "lab", kind: "bus", message: name, nsp: message.nsp, uid: message.uid, ...(to ? { to } : {}), ...(requestId ? { requestId } : {}), ...(data !== undefined ? { data } : {}) } as const;
    const outRef = this.api.note({ ...common, host: from.host, dir: "out", ...(cause !== undefined ? { parents: [cause] } : {}) });
    // A broker hands a message over later, never inside the publisher's call; each node gets its own copy.
    setImmediate(() => {
      for (const target of targets) {
        if (!this.members.has(target)) continue;
        const inRef = this.api.note({ ...common, host: target.host, dir: "in", parents: [outRef] });
        target.deliver(structuredClone(message), inRef);
      }
    });
  }
}

const isResponse = (m: BusMessage): boolean =>
  m.type === MessageType.FETCH_SOCKETS_RESPONSE || m.type === MessageType.SERVER_SIDE_EMIT_RESPONSE || m.type === MessageType.BROADCAST_CLIENT_COUNT || m.type === MessageType.BROADCAST_ACK;

/**
 * The adapter class a node's Server takes (`new Server(…, { adapter })` takes a class): one
 * instance per namespace, all on `bus`. What a node publishes names its cause: the api
 * broadcast being sent, or the request it answers.
 */
export function createBusAdapter(bus: InProcessBus, api: ApiCapture, host: string, options: ClusterAdapterOptions = {}): typeof Adapter {
  class BusAdapter extends ClusterAdapterWithHeartbeat {
    /** This adapter as the bus sees it. */
    private readonly member: BusMember;
    /** A broadcast packet → the event that made this node emit it (read by its encode). */
    private readonly causes: WeakMap<object, number>;
    /** A request this node answers → its `bus` in event. */
    private readonly answering = new Map<string, number>();

    constructor(nsp: Namespace) {
      super(nsp, options);
      this.causes = encodeCauses(this as unknown as Adapter, api, host);
      this.member = { host, uid: this.uid, nspName: nsp.name, deliver: (message, inId) => this.deliver(message, inId) };
      bus.join(this.member);
    }

    protected override doPublish(message: ClusterMessage): Promise<Offset> {
      const cause = api.signals.causeOf(host);
      if (message.type === MessageType.BROADCAST && cause !== undefined) this.causes.set(message.data.packet as object, cause);
      bus.publish(this.member, message, cause);
      return Promise.resolve("");
    }

    protected override doPublishResponse(requesterUid: ServerId, response: ClusterResponse): Promise<void> {
      const cause = this.answering.get(response.data.requestId);
      this.answering.delete(response.data.requestId);
      bus.respond(this.member, requesterUid, response, cause);
      return Promise.resolve();
    }

    private deliver(message: BusMessage, inId: number): void {
      if (message.type === MessageType.BROADCAST) this.causes.set(message.data.packet as object, inId);
      if ((message.type === MessageType.FETCH_SOCKETS || message.type === MessageType.SERVER_SIDE_EMIT) && message.data.requestId) {
        this.answering.set(message.data.requestId, inId);
      }
      if (isResponse(message)) this.onResponse(message as ClusterResponse);
      else this.onMessage(message as ClusterMessage);
    }

    override close(): void {
      super.close();
      // ADAPTER_CLOSE goes out first (published above); then this node leaves the bus.
      setImmediate(() => bus.leave(this.member));
    }
  }
  return BusAdapter as unknown as typeof Adapter;
}
