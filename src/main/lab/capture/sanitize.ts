// Packet data and call arguments as plain JSON data, for the trace: Buffers become
// `{ _binary: base64, length }`, functions "[callback]", errors their message, a value with
// `toJSON` (a Date) what it gives, as Socket.IO's JSON sends it, and nesting past 32 levels stops.

export function sanitize(value: unknown, depth = 0): unknown {
  if (depth > 32) return "[too deep]";
  if (Buffer.isBuffer(value)) return { _binary: value.toString("base64"), length: value.length };
  if (value instanceof ArrayBuffer) return { _binary: Buffer.from(value).toString("base64"), length: value.byteLength };
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  if (typeof value === "function") return "[callback]";
  if (value instanceof Error) return { error: value.message };
  if (value && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    try {
      return sanitize((value as { toJSON(): unknown }).toJSON(), depth + 1);
    } catch (err) {
      return { error: `toJSON threw: ${(err as Error)?.message ?? String(err)}` };
    }
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = sanitize(v, depth + 1);
    return out;
  }
  return value;
}
