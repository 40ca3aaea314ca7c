import fs from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

/**
 * The scaling curve as a PNG (scenario 6): Vega-Lite to SVG in Node (no canvas, no browser), then
 * resvg to PNG with the DejaVu font from the `dejavu-fonts-ttf` package, so text renders the same
 * on a machine without any system font.
 */

export interface ScalingPoint {
  offered: number;
  throughput: { median: number; min: number; max: number };
  p99: { median: number; min: number; max: number };
}

const FONT = 'DejaVu Sans';

function fontFile(): string {
  return require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
}

/** A long line as lines of at most `width` characters, broken after `; `. */
export function wrap(text: string, width = 90): string[] {
  const lines: string[] = [];
  for (const part of text.split(/(?<=; )/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + part.length <= width) lines[last] += part;
    else lines.push(part);
  }
  return lines.map((line) => line.trim());
}

/** The Vega-Lite specification: completed/s and p99 against the offered rate, min–max as bars. */
export function scalingSpec(
  points: readonly ScalingPoint[],
  subtitle: string,
): vegaLite.TopLevelSpec {
  const values = points.map((point) => ({
    offered: point.offered,
    throughput: point.throughput.median,
    throughputMin: point.throughput.min,
    throughputMax: point.throughput.max,
    p99: point.p99.median / 1000,
    p99Min: point.p99.min / 1000,
    p99Max: point.p99.max / 1000,
  }));
  const maxOffered = Math.max(...points.map((p) => p.offered));
  const x = {
    field: 'offered',
    type: 'quantitative' as const,
    title: 'offered load (onboardings started per second)',
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Onboardings: scaling with offered load',
      subtitle: wrap(subtitle),
      anchor: 'start',
    },
    data: { values },
    hconcat: [
      {
        width: 380,
        height: 260,
        title: 'completed per second (median, min–max)',
        layer: [
          {
            data: {
              values: [
                { offered: 0, ideal: 0 },
                { offered: maxOffered, ideal: maxOffered },
              ],
            },
            mark: { type: 'line', strokeDash: [4, 4], color: '#999999' },
            encoding: { x, y: { field: 'ideal', type: 'quantitative' } },
          },
          {
            mark: { type: 'rule', color: '#4c78a8' },
            encoding: {
              x,
              y: { field: 'throughputMin', type: 'quantitative' },
              y2: { field: 'throughputMax' },
            },
          },
          {
            mark: { type: 'line', point: true, color: '#4c78a8' },
            encoding: {
              x,
              y: { field: 'throughput', type: 'quantitative', title: 'completed onboardings / s' },
            },
          },
        ],
      },
      {
        width: 380,
        height: 260,
        title: 'p99 start-to-completed latency (median, min–max)',
        layer: [
          {
            mark: { type: 'rule', color: '#e45756' },
            encoding: {
              x,
              y: { field: 'p99Min', type: 'quantitative', scale: { type: 'log' } },
              y2: { field: 'p99Max' },
            },
          },
          {
            mark: { type: 'line', point: { color: '#e45756' }, color: '#e45756' },
            encoding: {
              x,
              y: {
                field: 'p99',
                type: 'quantitative',
                title: 'p99 latency (s, log scale)',
                scale: { type: 'log' },
              },
            },
          },
        ],
      },
    ],
    config: { font: FONT, background: 'white' },
  };
}

export async function renderScalingChart(
  points: readonly ScalingPoint[],
  file: string,
  subtitle: string,
): Promise<void> {
  const compiled = vegaLite.compile(scalingSpec(points, subtitle)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { fontFiles: [fontFile()], loadSystemFonts: false, defaultFontFamily: FONT },
  })
    .render()
    .asPng();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
}
