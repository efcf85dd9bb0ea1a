// Class mode's words, shared by the lab (main), the teacher's page and the students' page:
// the teacher's commands, what the page is told about the class, and the events of the
// `/class` namespace between the lab's server and a student's browser. Plain data only.

/** The Socket.IO namespace students join. */
export const CLASS_NSP = "/class";

export const CLASS_LIMITS = {
  /** Students at most (the teacher may choose fewer). */
  cap: { min: 1, max: 200, default: 40 },
  /** Per student: events in a burst, then this many per second. */
  burst: 10,
  perSecond: 3,
  name: { max: 32 },
  text: { max: 200 },
  room: { max: 32 },
  roomsPerStudent: 5,
  /** A poll: 2 to 6 choices, each at most 200 characters; answers wait at most 2 minutes. */
  choices: { min: 2, max: 6 },
  choice: { max: 200 },
  pollTimeout: { min: 1000, max: 120_000, default: 20_000 },
} as const;

/** The teacher's commands (free-play commands, checked by the one schema in main). */
export type ClassCommand =
  | { type: "class-open"; host: string; cap?: number }
  | { type: "class-close" }
  | { type: "class-student"; action: "mute" | "unmute" | "remove" | "reset"; student: string }
  | { type: "class-poll"; question: string; choices: string[]; answer: number; timeoutMs?: number }
  | { type: "class-reveal" };

export const CLASS_COMMAND_TYPES = ["class-open", "class-close", "class-student", "class-poll", "class-reveal"] as const satisfies readonly ClassCommand["type"][];

export interface ClassStudent {
  /** The student's host id in the trace (`student-3`). */
  id: string;
  name: string;
  ip: string;
  muted: boolean;
}

export interface ClassPoll {
  id: number;
  question: string;
  choices: string[];
  /** Index of the right choice (the real next packet); students learn it at the reveal. */
  answer: number;
  state: "open" | "closed" | "revealed";
  /** Students asked, and how many answered in time. */
  asked: number;
  answered: number;
  /** Answers per choice, in the order of `choices`. */
  counts: number[];
}

/** What the teacher's page is told about the class (LabStatus.classMode). */
export interface ClassStatus {
  /** The address students open (the student page), and the lab's Socket.IO address they join. */
  url: string;
  /** The lab's Socket.IO server on the class address (students' `io(socketUrl + "/class")`). */
  socketUrl: string;
  host: string;
  code: string;
  cap: number;
  students: ClassStudent[];
  /** Join attempts refused (wrong code, class full, bad name). */
  refused: number;
  /** The join URL as a QR code: `size` × `size` modules, row by row, "1" dark. */
  qr: { size: number; cells: string };
  poll?: ClassPoll;
}

// ── the /class namespace ─────────────────────────────────────────────────────

/** `auth` of a student's CONNECT. */
export interface StudentAuth {
  name: string;
  code: string;
}

/** What the server tells a student right after joining. */
export interface Welcome {
  id: string;
  name: string;
  step?: FollowStep;
}

/** The teacher's step as the student page follows it. */
export interface FollowStep {
  scenario?: string;
  index: number;
  title: string;
  narration: string;
}

export interface Said {
  from: string;
  text: string;
  room?: string;
}

export interface PredictQuestion {
  poll: number;
  question: string;
  choices: string[];
  timeoutMs: number;
}

export interface Reveal {
  poll: number;
  answer: number;
  choice: string;
}

/** A student's request's answer (the ack of `say`, `join`, `leave`). */
export type StudentReply = { ok: true } | { ok: false; reason: string };

/** The join code: six digits, easy to read aloud and to type on a phone. */
export function makeJoinCode(random: () => number): string {
  return String(Math.floor(random() * 1_000_000)).padStart(6, "0");
}
