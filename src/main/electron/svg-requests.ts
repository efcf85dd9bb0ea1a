// Export as SVG needs the page's help: main asks with a numbered request and waits, a bounded
// time, for the matching `view:svg` answer. Unknown or late answers are ignored.

export interface SvgRequests {
  /** A new request id and the promise of its answer (null: the view has none, or no answer in time). */
  request(): { id: number; answer: Promise<string | null> };
  resolve(id: number, svg: string | null): void;
}

export function createSvgRequests(timeoutMs = 5000, timer = { set: setTimeout, clear: clearTimeout }): SvgRequests {
  let next = 1;
  const waiting = new Map<number, (svg: string | null) => void>();
  return {
    request() {
      const id = next++;
      const answer = new Promise<string | null>((resolve) => {
        const handle = timer.set(() => {
          waiting.delete(id);
          resolve(null);
        }, timeoutMs);
        waiting.set(id, (svg) => {
          timer.clear(handle);
          waiting.delete(id);
          resolve(svg);
        });
      });
      return { id, answer };
    },
    resolve(id, svg) {
      waiting.get(id)?.(svg);
    },
  };
}
