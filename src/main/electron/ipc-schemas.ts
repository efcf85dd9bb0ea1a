// The schema of the messages the renderer may send over IPC: LabApi calls (lab-args.ts, shared
// with web mode) and the shell's own two channels.
import { args, num, str, type Validator } from "../protocol/validate.js";

export { LAB_ARG_SCHEMAS, type IpcArgs } from "../protocol/lab-args.js";

/** `lab:ready` carries nothing. */
export const READY_SCHEMA = args([]);

/** `view:svg`: the answer to an export request: its id and the SVG text, or null if the view has none. */
export const SVG_REPLY_SCHEMA: Validator<[number, string | null]> = (v, path = "args") => {
  if (Array.isArray(v) && v.length === 2 && v[1] === null) {
    const id = num({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true })(v[0], `${path}[0]`);
    return id.ok ? { ok: true, value: [id.value, null] } : id;
  }
  return args([
    num({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }),
    str({ min: 1, max: 50 * 1024 * 1024, pattern: /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/ }),
  ])(v, path);
};
