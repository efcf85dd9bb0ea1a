// The join address as a QR code's modules (plain data the page draws as SVG rects), made
// with the `qrcode` package. Medium error correction: a projector's glare still scans.

import QRCode from "qrcode";

export function qrCells(text: string): { size: number; cells: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  let cells = "";
  for (let i = 0; i < modules.size * modules.size; i++) cells += modules.data[i] ? "1" : "0";
  return { size: modules.size, cells };
}
