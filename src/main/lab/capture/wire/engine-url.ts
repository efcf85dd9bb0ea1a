// What an HTTP request target says about Engine.IO: whether it is an engine.io path
// (`/socket.io/` or any query with `EIO=`), its transport and its session id.
export interface EngineTarget {
  engine: boolean;
  sid?: string;
  transport?: "polling" | "websocket";
}

export function parseEngineTarget(target: string): EngineTarget {
  const q = target.indexOf("?");
  const pathname = q < 0 ? target : target.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : target.slice(q + 1));
  const engine = params.has("EIO") || pathname === "/socket.io/" || pathname.endsWith("/socket.io/");
  if (!engine) return { engine };
  const out: EngineTarget = { engine };
  const sid = params.get("sid");
  if (sid) out.sid = sid;
  const transport = params.get("transport");
  if (transport === "polling" || transport === "websocket") out.transport = transport;
  return out;
}
