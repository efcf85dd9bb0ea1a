// The TCP model's public surface: run it on a trace or on synthetic input, retime a trace, and
// show sequence numbers as Wireshark does.

export { decodeBase64, encodeBase64 } from "./base64.js";
export { createConnection, step, type ConnectionState, type ModelInput, type ModelOutput, type WireSegment } from "./connection.js";
export { displaySeq, displayAck, segmentNotes } from "./display.js";
export { extractConnections } from "./extract.js";
export { modelConnection, simulate } from "./model.js";
export { MAX_MODEL_SEGMENTS, ModelBudgetError } from "./budget.js";
export { retime, retimeTrace } from "./retime.js";
export { networkFromTrace } from "./trace-settings.js";
export { seq, seqAdd, seqDiff, seqLe, seqLt, type Seq } from "./seq.js";
export type * from "./types.js";
