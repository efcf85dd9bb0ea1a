// The TCP connection states of RFC 793 §3.2 and the one table of their transitions. Every
// state change in the model goes through `transition`, so the diagram lives here and only here.

export type TcpState =
  | "CLOSED"
  | "LISTEN"
  | "SYN_SENT"
  | "SYN_RCVD"
  | "ESTABLISHED"
  | "FIN_WAIT_1"
  | "FIN_WAIT_2"
  | "CLOSING"
  | "TIME_WAIT"
  | "CLOSE_WAIT"
  | "LAST_ACK";

/** What moves a connection between states: the application, or a segment that arrived. */
export type TcpTrigger =
  | "app-connect" // active open: send SYN
  | "rcv-syn" // passive open: send SYN-ACK
  | "rcv-syn-ack" // our SYN acknowledged with the peer's SYN: send ACK
  | "rcv-ack-of-syn" // the handshake's third segment
  | "app-close" // send FIN
  | "rcv-fin" // the peer's FIN, in order: ACK it
  | "rcv-ack-of-fin" // our FIN acknowledged
  | "rst"; // sent or received a reset

export const TRANSITIONS: Readonly<Record<TcpState, Partial<Record<TcpTrigger, TcpState>>>> = {
  CLOSED: { "app-connect": "SYN_SENT" },
  LISTEN: { "rcv-syn": "SYN_RCVD", rst: "LISTEN" },
  SYN_SENT: { "rcv-syn-ack": "ESTABLISHED", "app-close": "CLOSED", rst: "CLOSED" },
  SYN_RCVD: { "rcv-ack-of-syn": "ESTABLISHED", "app-close": "FIN_WAIT_1", rst: "CLOSED" },
  ESTABLISHED: { "app-close": "FIN_WAIT_1", "rcv-fin": "CLOSE_WAIT", rst: "CLOSED" },
  FIN_WAIT_1: { "rcv-ack-of-fin": "FIN_WAIT_2", "rcv-fin": "CLOSING", rst: "CLOSED" },
  FIN_WAIT_2: { "rcv-fin": "TIME_WAIT", rst: "CLOSED" },
  CLOSING: { "rcv-ack-of-fin": "TIME_WAIT", rst: "CLOSED" },
  // 2·MSL is not modelled: TIME_WAIT stays, answering a retransmitted FIN with an ACK.
  TIME_WAIT: { rst: "CLOSED" },
  CLOSE_WAIT: { "app-close": "LAST_ACK", rst: "CLOSED" },
  LAST_ACK: { "rcv-ack-of-fin": "CLOSED", rst: "CLOSED" },
};

/** The next state, or undefined when the trigger does not apply in `state`. */
export function transition(state: TcpState, trigger: TcpTrigger): TcpState | undefined {
  return TRANSITIONS[state][trigger];
}
