// The public bundle (who this node is and its public key) as QR codes that a peer's operator can scan to pin the key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';

export const QR_SVG_FILE = 'identity-qr.svg';
export const QR_PNG_FILE = 'identity-qr.png';

/** Public facts only: the key, its id, the node, and the organisation when known. */
export interface PublicBundle {
  entity_uri?: string;
  public_key: string;
  key_id: string;
  node_id: string;
}

export function publicBundle(nodeId: string, publicKey: string, keyId: string, entityUri: string | null): PublicBundle {
  return { ...(entityUri ? { entity_uri: entityUri } : {}), public_key: publicKey, key_id: keyId, node_id: nodeId };
}

/** Write `<dir>/identity-qr.svg` and `.png` of the bundle's JSON; returns their paths. */
export async function writeIdentityQr(dir: string, bundle: PublicBundle): Promise<{ svg: string; png: string }> {
  const text = JSON.stringify(bundle);
  const svg = join(dir, QR_SVG_FILE);
  const png = join(dir, QR_PNG_FILE);
  // Medium error correction keeps a ~200-character bundle scannable from a screen or a printout.
  writeFileSync(svg, await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  await QRCode.toFile(png, text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 });
  return { svg, png };
}
