// Exports a view's SVG as a standalone SVG file or a PNG. Computed styles are copied onto
// the clone as attributes, so the picture matches the theme without the page's CSS; a caption
// band on top says where it came from (scenario, step, event, time).

const STYLE_PROPS = ["fill", "stroke", "stroke-width", "stroke-dasharray", "opacity", "font-family", "font-size", "font-weight", "text-anchor", "visibility", "paint-order"] as const;

const SVG_NS = "http://www.w3.org/2000/svg";

/** Height of the caption band for `lines` lines at `font` px. */
export const captionHeight = (lines: number, font: number): number => (lines > 0 ? Math.round(font * (0.7 + 1.35 * lines)) : 0);

function sizeOf(svg: SVGSVGElement): { w: number; h: number } {
  return { w: svg.width.baseVal.value || svg.clientWidth, h: svg.height.baseVal.value || svg.clientHeight };
}

export function standaloneSvg(svg: SVGSVGElement, caption: readonly string[] = []): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll("*")];
  const dst = [clone, ...clone.querySelectorAll("*")];
  src.forEach((el, i) => {
    const target = dst[i];
    if (!target) return;
    const cs = getComputedStyle(el);
    for (const p of STYLE_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) target.setAttribute(p, v);
    }
    target.removeAttribute("class");
  });
  const panelStyle = getComputedStyle(svg.closest(".panel") ?? svg);
  const bg = panelStyle.backgroundColor || "white";
  clone.setAttribute("xmlns", SVG_NS);
  if (caption.length > 0) {
    // The picture moves down under a caption band as wide as it.
    const font = Math.max(14, parseFloat(panelStyle.fontSize) || 14);
    const capH = captionHeight(caption.length, font);
    const { w, h } = sizeOf(svg);
    const body = document.createElementNS(SVG_NS, "g");
    body.setAttribute("transform", `translate(0,${capH})`);
    while (clone.firstChild) body.append(clone.firstChild);
    const band = document.createElementNS(SVG_NS, "g");
    caption.forEach((line, i) => {
      const t = document.createElementNS(SVG_NS, "text");
      t.setAttribute("x", "8");
      t.setAttribute("y", String(Math.round(font * (1.25 + 1.35 * i))));
      t.setAttribute("font-size", `${font}px`);
      t.setAttribute("font-family", panelStyle.fontFamily || "sans-serif");
      t.setAttribute("font-weight", i === 0 ? "700" : "400");
      t.setAttribute("fill", panelStyle.color || "black");
      t.textContent = line;
      band.append(t);
    });
    const rule = document.createElementNS(SVG_NS, "line");
    rule.setAttribute("x1", "0");
    rule.setAttribute("x2", String(w));
    rule.setAttribute("y1", String(capH - 2));
    rule.setAttribute("y2", String(capH - 2));
    rule.setAttribute("stroke", panelStyle.color || "black");
    rule.setAttribute("stroke-opacity", "0.3");
    band.append(rule);
    clone.append(band, body);
    clone.setAttribute("width", String(w));
    clone.setAttribute("height", String(h + capH));
    clone.setAttribute("viewBox", `0 0 ${w} ${h + capH}`);
  }
  const rect = document.createElementNS(SVG_NS, "rect");
  rect.setAttribute("width", "100%");
  rect.setAttribute("height", "100%");
  rect.setAttribute("fill", bg);
  clone.insertBefore(rect, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function saveBlob(blob: Blob, name: string): void {
  download(blob, name);
}

export function exportSvg(svg: SVGSVGElement, name: string, caption: readonly string[] = []): void {
  download(new Blob([standaloneSvg(svg, caption)], { type: "image/svg+xml" }), `${name}.svg`);
}

export async function exportPng(svg: SVGSVGElement, name: string, caption: readonly string[] = [], scale = 2): Promise<void> {
  const text = standaloneSvg(svg, caption);
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("The browser could not draw the SVG."));
      img.src = url;
    });
    const { w, h: picture } = sizeOf(svg);
    const font = Math.max(14, parseFloat(getComputedStyle(svg.closest(".panel") ?? svg).fontSize) || 14);
    const h = picture + captionHeight(caption.length, font);
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("No 2D canvas available.");
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, w, h);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, "image/png"));
    if (!blob) throw new Error("Could not encode the PNG.");
    download(blob, `${name}.png`);
  } finally {
    URL.revokeObjectURL(url);
  }
}
