// A QR code drawn from its module grid as SVG rectangles: no markup from elsewhere is injected into the page.
import type { QrGrid } from '../../../../shared/identity';

const QUIET_ZONE = 2;

export function QrCode({ grid, label }: { grid: QrGrid; label: string }) {
  const cells: { x: number; y: number }[] = [];
  for (let y = 0; y < grid.size; y++) {
    for (let x = 0; x < grid.size; x++) if (grid.modules[y * grid.size + x] === '1') cells.push({ x, y });
  }
  const side = grid.size + 2 * QUIET_ZONE;
  return (
    <svg className="qr" viewBox={`${-QUIET_ZONE} ${-QUIET_ZONE} ${side} ${side}`} role="img" aria-label={label} data-testid="identity-qr" data-modules={cells.length} shapeRendering="crispEdges">
      <rect x={-QUIET_ZONE} y={-QUIET_ZONE} width={side} height={side} fill="#fff" />
      {cells.map((c) => (
        <rect key={`${c.x}.${c.y}`} x={c.x} y={c.y} width={1} height={1} fill="#000" />
      ))}
    </svg>
  );
}
