// Free-play commands on a live lab: validated first (bad JSON, unknown client or namespace,
// reserved event names), so a refused command changes nothing.

import type { CommandResult, FreePlayCommand } from "../../shared/lab-api.js";
import type { Lab } from "./lab.js";
import { NAMESPACES } from "./lab.js";
import { callCode } from "./capture/api/call-code.js";
import { isScaleOutLab } from "./scale-out/scale-out-lab.js";
import { parseBoundedJson } from "../protocol/bounded-json.js";
import { isLoopbackIPv4 } from "../../shared/loopback.js";

/** Event names Socket.IO reserves: emitting them would break the protocol or throw. */
const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener", "error"]);
const MAX_CLIENTS = 20;

const fail = (message: string): CommandResult => ({ ok: false, message });

/** The same bounds as the shells' schema (lab-args.ts), for callers that skip it (CLI, tests). */
function parseArgs(text: string): unknown[] | string {
  if (typeof text !== "string") return "arguments must be the JSON text of an array";
  const parsed = parseBoundedJson(text);
  if (!parsed.ok) return `arguments: ${parsed.error}`;
  if (!Array.isArray(parsed.value)) return "arguments must be a JSON array, e.g. [\"world\"]";
  return parsed.value;
}

function checkEvent(event: string): string | undefined {
  if (typeof event !== "string" || event.length === 0) return "an event name is required";
  if (RESERVED.has(event)) return `"${event}" is reserved by Socket.IO and cannot be emitted`;
  if (event.length > 100) return "event names are limited to 100 characters";
  return undefined;
}

function checkNsp(nsp: string | undefined): string | undefined {
  if (nsp !== undefined && !(NAMESPACES as readonly string[]).includes(nsp)) return `unknown namespace "${nsp}" (the lab serves ${NAMESPACES.join(", ")})`;
  return undefined;
}

export async function runCommand(lab: Lab, cmd: FreePlayCommand): Promise<CommandResult> {
  switch (cmd.type) {
    case "add-client": {
      if (lab.clients.size >= MAX_CLIENTS) return fail(`the lab holds at most ${MAX_CLIENTS} clients`);
      if (cmd.ip !== undefined && !isLoopbackIPv4(cmd.ip)) return fail(`source address ${cmd.ip} is not a loopback address (127.x.y.z, each part 0 to 255)`);
      const nsps = cmd.namespaces ?? ["/"];
      for (const n of nsps) {
        const e = checkNsp(n);
        if (e) return fail(e);
      }
      const client = await lab.addClient({
        ...(cmd.transports ? { transports: cmd.transports } : {}),
        ...(cmd.ip ? { ip: cmd.ip } : {}),
        ...(cmd.compression === false ? { perMessageDeflate: false as const } : {}),
      });
      const socketOptions = { ...(cmd.retries !== undefined ? { retries: cmd.retries } : {}), ...(cmd.ackTimeout !== undefined ? { ackTimeout: cmd.ackTimeout } : {}) };
      for (const n of nsps) client.socket(n, cmd.token !== undefined ? { token: cmd.token } : undefined, socketOptions);
      const extras = [cmd.token !== undefined ? "with a token" : "", cmd.retries ? `${cmd.retries} retries, ackTimeout ${cmd.ackTimeout ?? "default"} ms` : "", cmd.compression === false ? "no compression" : ""].filter(Boolean);
      return { ok: true, message: `${client.id} added at ${client.ip} (${client.transports}${extras.length ? `; ${extras.join(", ")}` : ""})` };
    }
    case "remove-client": {
      if (!lab.clients.has(cmd.client)) return fail(`unknown client "${cmd.client}"`);
      await lab.removeClient(cmd.client);
      return { ok: true, message: `${cmd.client} removed` };
    }
    case "emit": {
      const nsp = cmd.nsp ?? "/";
      const err = checkEvent(cmd.event) ?? checkNsp(nsp);
      if (err) return fail(err);
      const args = parseArgs(cmd.args);
      if (typeof args === "string") return fail(args);
      if (cmd.from === "server") {
        const server = lab.server;
        if (!server) return fail("the server is stopped");
        if (cmd.to) {
          const socket = server.of(nsp).sockets.get(cmd.to);
          if (!socket) return fail(`no socket "${cmd.to}" on ${nsp}`);
          if (cmd.ack) {
            const reply = await socket.timeout(cmd.timeoutMs ?? 5000).emitWithAck(cmd.event, ...args).catch((e: Error) => e);
            return reply instanceof Error ? fail(`no ack: ${reply.message}`) : { ok: true, message: `ack: ${JSON.stringify(reply)}` };
          }
          socket.emit(cmd.event, ...args);
          return { ok: true, message: `${callCode("socket.emit", [cmd.event, ...args], false)} sent` };
        }
        server.of(nsp).emit(cmd.event, ...args);
        return { ok: true, message: `broadcast to ${nsp}` };
      }
      const client = lab.clients.get(cmd.from);
      if (!client) return fail(`unknown client "${cmd.from}"`);
      const socket = client.socket(nsp);
      const queued = socket.connected ? "" : " (queued: the socket is not connected; it goes out when it connects)";
      // socket.volatile / socket.compress(false), as learners chain them.
      const sender = cmd.compress === false ? socket.compress(false) : socket;
      if (cmd.volatile) {
        const since = lab.recorder.count;
        sender.volatile.emit(cmd.event, ...args);
        const dropped = lab.recorder.since(since).some((e) => e.layer === "api" && e.kind === "emit" && e.host === cmd.from && e.dropped === true);
        return dropped
          ? { ok: true, message: `volatile "${cmd.event}" dropped: the transport was not writable, so Socket.IO never wrote it` }
          : { ok: true, message: `volatile "${cmd.event}" sent from ${cmd.from}` };
      }
      if (cmd.ack) {
        const wasConnected = socket.connected;
        const since = lab.recorder.count;
        const ms = cmd.timeoutMs ?? 5000;
        const reply = await sender.timeout(ms).emitWithAck(cmd.event, ...args).catch((e: Error) => e);
        if (!(reply instanceof Error)) return { ok: true, message: `ack: ${JSON.stringify(reply)}` };
        return fail(`no ack within ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}: ${whyNoAck(lab, since, cmd.event, wasConnected)}`);
      }
      sender.emit(cmd.event, ...args);
      return { ok: true, message: `${callCode("socket.emit", [cmd.event, ...args], false)} sent from ${cmd.from}${queued}` };
    }
    case "join":
    case "leave": {
      const nsp = cmd.nsp ?? "/";
      const err = checkNsp(nsp) ?? (cmd.room ? undefined : "a room name is required");
      if (err) return fail(err);
      const client = lab.clients.get(cmd.client);
      if (!client) return fail(`unknown client "${cmd.client}"`);
      const id = client.sockets.get(nsp)?.id;
      const socket = id ? lab.server?.of(nsp).sockets.get(id) : undefined;
      if (!socket) return fail(`${cmd.client} is not connected to ${nsp}`);
      if (cmd.type === "join") await socket.join(cmd.room);
      else await socket.leave(cmd.room);
      return { ok: true, message: `${cmd.client} ${cmd.type === "join" ? "joined" : "left"} "${cmd.room}"` };
    }
    case "broadcast": {
      const nsp = cmd.nsp ?? "/";
      const err = checkEvent(cmd.event) ?? checkNsp(nsp);
      if (err) return fail(err);
      const args = parseArgs(cmd.args);
      if (typeof args === "string") return fail(args);
      const server = lab.server;
      if (!server) return fail("the server is stopped");
      let op = cmd.room ? server.of(nsp).to(cmd.room) : server.of(nsp).except([]);
      if (cmd.exceptClient) {
        const client = lab.clients.get(cmd.exceptClient);
        if (!client) return fail(`unknown client "${cmd.exceptClient}"`);
        const id = client.sockets.get(nsp)?.id;
        if (!id) return fail(`${cmd.exceptClient} is not connected to ${nsp}`);
        op = op.except(id);
      }
      op.emit(cmd.event, ...args);
      return { ok: true, message: `broadcast "${cmd.event}" on ${nsp}${cmd.room ? ` to "${cmd.room}"` : ""}` };
    }
    case "disconnect": {
      const client = lab.clients.get(cmd.client);
      if (!client) return fail(`unknown client "${cmd.client}"`);
      const nsp = cmd.nsp ?? "/";
      const e = checkNsp(nsp);
      if (e) return fail(e);
      const socket = client.sockets.get(nsp);
      if (!socket?.connected) return fail(`${cmd.client} is not connected to ${nsp}`);
      socket.disconnect();
      return { ok: true, message: `${cmd.client} disconnected from ${nsp}` };
    }
    case "cut": {
      const client = lab.clients.get(cmd.client);
      if (!client) return fail(`unknown client "${cmd.client}"`);
      client.cut();
      return { ok: true, message: `${cmd.client}'s TCP connections cut: it reconnects by itself (and recovers its session where the server keeps state)` };
    }
    case "node-stop": {
      if (!isScaleOutLab(lab)) return fail("only a lab of several server nodes (the scale-out lesson) has nodes to stop");
      if (!lab.nodes.some((n) => n.host === cmd.node)) return fail(`no node "${cmd.node}" (the lab has ${lab.nodes.map((n) => n.host).join(", ")})`);
      await lab.stopNode(cmd.node);
      return { ok: true, message: `${cmd.node} stopped: its clients reconnect through the balancer to another node (with a new session: recovery needs an adapter that keeps state across nodes)` };
    }
    case "server-stop":
      await lab.stopServer();
      return { ok: true, message: "server stopped" };
    case "server-start":
      await lab.startServer();
      return { ok: true, message: `server listening on port ${lab.port}` };
    case "network":
      lab.recorder.record({ layer: "lab", kind: "fault", host: "server", fault: "network", detail: JSON.stringify(cmd.settings) });
      return { ok: true, message: "network settings of the TCP model changed" };
    default:
      return fail(`unknown command ${JSON.stringify((cmd as { type?: unknown }).type)}`);
  }
}

/**
 * Why an emit got no ack, from what the trace recorded since it was made: the server's handler
 * threw, the socket was not connected (Socket.IO buffered the emit), or nothing answered.
 */
function whyNoAck(lab: Lab, since: number, event: string, wasConnected: boolean): string {
  const recent = lab.recorder.since(since);
  for (let i = recent.length - 1; i >= 0; i--) {
    const e = recent[i]!;
    if (e.layer === "lab" && e.kind === "error" && e.message.includes(`handler for "${event}"`)) return e.message;
  }
  if (!wasConnected) return "the socket was not connected, so Socket.IO buffered the emit; it is sent when the socket connects, and the ack can only come after that";
  if (!lab.server) return "the server is stopped";
  const received = recent.some((e) => e.layer === "api" && e.kind === "receive" && e.host === "server" && e.event === event);
  return received ? `the server's handler for "${event}" received it but never called its callback` : `no handler on the server answered "${event}"`;
}

