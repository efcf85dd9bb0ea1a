// The wire parser's public surface: one parser per TCP connection, fed captured bytes.
export { createWireParser } from "./wire-parser";
export { MAX_HEAD_BYTES, MAX_PAYLOAD_BYTES } from "./types";
export type { ParsedEnginePacket, StreamDir, WireParser, WireUnitKind, WireUnitParsed } from "./types";
