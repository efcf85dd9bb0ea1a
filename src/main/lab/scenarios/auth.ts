// auth: a middleware on /admin refuses a bad token with CONNECT_ERROR and lets a good one in;
// after a refusal the client does not reconnect by itself. Then the engine's own refusal: an
// HTTP 400 for a session id the server does not know.
import type { Socket as ClientSocket } from "socket.io-client";
import type { LabClient } from "../lab.js";
import { connected, once, type Scenario } from "./scenario.js";

/** Longer than a first reconnection attempt can wait (reconnectionDelay 500 ms, ±50%). */
const NO_RECONNECT_MS = 1000;

export const auth: Scenario = {
  id: "auth",
  title: "Middleware and auth",
  summary:
    "A middleware on /admin refuses a bad token with CONNECT_ERROR (44) and the client does not reconnect by itself; the right token gets in; a made-up session id gets an HTTP 400 from Engine.IO.",
  keyView: "Layers",
  steps: [
    {
      title: "A bad token is refused",
      narration:
        'The server\'s /admin namespace has a middleware, admin.use((socket, next) => …), that calls next() only for the token "letmein"; for anything else it calls next(err) with an Error "not authorized" and err.data. The client opens /admin with auth { token: "bad" }: over a WebSocket it sends 40/admin,{"token":"bad"}. The middleware refuses: the server answers with CONNECT_ERROR, 44/admin,{"message":"not authorized","data":{"content":"Please retry later"}}, and never runs its connection handler. The client\'s `connect_error` handler gets the error; `socket.active` is false, so the client does not try again on its own: with no socket left, it closes its connection, and nothing happens for the next second.',
      async run({ lab, state }) {
        const client = await lab.addClient({ transports: "websocket" });
        state.client = client;
        const console = client.console;
        const socket = client.socket("/admin", { token: "bad" });
        const refused = once<Error>(socket, "connect_error", "the refusal");
        socket.on("connect_error", (err: Error & { data?: unknown }) => console.log(err.message, err.data, `active: ${socket.active}`));
        await refused;
        await new Promise((r) => setTimeout(r, NO_RECONNECT_MS));
      },
    },
    {
      title: "The right token, and socket.connect()",
      narration:
        'A refused client reconnects only when its code says so. It sets socket.auth = { token: "letmein" } and calls socket.connect(): a new Engine.IO session on a new TCP connection, then 40/admin,{"token":"letmein"}. The middleware calls next(), the server answers 40/admin,{"sid":…} and its connection handler logs the welcome.',
      async run({ state }) {
        const client = state.client as LabClient;
        const socket = client.socket("/admin") as ClientSocket & { auth: Record<string, unknown> };
        socket.auth = { token: "letmein" };
        socket.connect();
        await connected(socket);
      },
    },
    {
      title: "An unknown session id: HTTP 400",
      narration:
        'Refusals also happen below Socket.IO. Client 1 sends a plain HTTP request with a session id the server never gave out: GET /socket.io/?EIO=4&transport=polling&sid=made-up-sid. Engine.IO answers before any namespace is involved: HTTP/1.1 400 Bad Request with the body {"code":1,"message":"Session ID unknown"} (code 0 is an unknown transport, 2 a bad handshake method, 3 a bad request, 4 forbidden, 5 an unsupported protocol version).',
      async run({ state }) {
        const client = state.client as LabClient;
        const answer = await client.request("/socket.io/?EIO=4&transport=polling&sid=made-up-sid");
        client.console.log(answer.status, answer.body);
      },
    },
  ],
};
