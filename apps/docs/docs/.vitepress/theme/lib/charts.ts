/** Chart.js, registered once, with the colours the demos share. */
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export { Chart };

export const COLORS = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899', '#14b8a6', '#64748b', '#84cc16', '#f97316'];

/** A translucent version of a hex colour. */
export function fade(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Replaces a chart on a canvas (demos re-run). */
export function replaceChart(
  previous: Chart | undefined,
  canvas: HTMLCanvasElement,
  config: ConstructorParameters<typeof Chart>[1],
): Chart {
  previous?.destroy();
  return new Chart(canvas, config);
}
