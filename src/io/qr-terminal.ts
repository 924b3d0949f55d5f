// A QR code drawn in the terminal with qrcode-terminal, returned as text. Loaded only by
// the commands that draw one.
import { loadPackage } from "../core/load.js";

export async function drawQr(text: string): Promise<string> {
  const { default: qrcode } = await loadPackage<{ default: typeof import("qrcode-terminal") }>("qrcode-terminal");
  return new Promise((resolve) => qrcode.generate(text, { small: true }, (s: string) => resolve(s + "\n")));
}
