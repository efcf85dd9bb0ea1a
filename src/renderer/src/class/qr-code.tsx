// A QR code drawn from its modules (computed in main with the `qrcode` package): one rect per
// run of dark modules in a row, a four-module quiet zone, dark on white whatever the theme.

export function QrCode(props: { size: number; cells: string; label: string }) {
  const { size, cells } = props;
  const runs: { x: number; y: number; w: number }[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (cells[y * size + x] !== "1") continue;
      const start = x;
      while (x + 1 < size && cells[y * size + x + 1] === "1") x++;
      runs.push({ x: start, y, w: x - start + 1 });
    }
  }
  const full = size + 8;
  return (
    <svg className="qr-code" viewBox={`0 0 ${full} ${full}`} role="img" aria-label={props.label} shapeRendering="crispEdges">
      <rect width={full} height={full} fill="#fff" />
      {runs.map((r) => (
        <rect key={`${r.x},${r.y}`} x={r.x + 4} y={r.y + 4} width={r.w} height={1} fill="#000" />
      ))}
    </svg>
  );
}
