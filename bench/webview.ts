/**
 * Times the Influence View's pure view-model work for a scan of 10 000 rows × 20 windows:
 * the host's payload encoding and a structured clone (what crossing to the page costs), then
 * on the page: message validation, decoding and view-model build, top-N heatmap shaping with its colour scale, and the
 * default table query (filter + sort) — what the page does before drawing. Prints medians.
 *
 *   node --import tsx bench/webview.ts
 */
import * as os from 'node:os';
import { decodeViewPayload, parseHostMessage, toViewPayload } from '../src/shared/webviewMessages';
import { divergingColor } from '../webview/model/colorScale';
import { heatmapData, selectTopRows } from '../webview/model/heatmapModel';
import { DEFAULT_QUERY, queryTable } from '../webview/model/tableModel';
import { buildViewModel } from '../webview/model/viewModel';
import { syntheticScan } from '../test/webview/syntheticResult';

const ROWS = 10_000;
const WINDOWS = 20;
const RUNS = 9;
const TOP_N = 30;

const scan = syntheticScan({ rows: ROWS, windows: WINDOWS });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const stages: Record<string, number[]> = { encode: [], clone: [], validate: [], viewModel: [], heatmap: [], table: [], allRows: [], total: [] };
const cpuTotal: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const tEncode = performance.now();
  const payload = toViewPayload(scan);
  const tClone = performance.now();
  const message = structuredClone({ type: 'result', docUri: 'file:///bench.csv', payload, reviewed: [] });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const m = parseHostMessage(message);
  if (!m || m.type !== 'result') throw new Error('synthetic result failed validation');
  const t1 = performance.now();
  const vm = buildViewModel(decodeViewPayload(m.payload));
  stages.encode.push(tClone - tEncode);
  stages.clone.push(t0 - tClone);
  const t2 = performance.now();
  const hm = heatmapData(vm.result.rows, selectTopRows(vm.result.rows, TOP_N, 'influential'), vm.windows, 'cumulative');
  const scale = { negative: [200, 0, 0] as const, neutral: [30, 30, 30] as const, positive: [0, 0, 200] as const, maxAbs: hm.maxAbs };
  for (const v of hm.values) divergingColor(v, scale);
  const t3 = performance.now();
  queryTable(vm.result.rows, new Set(), DEFAULT_QUERY);
  const t4 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  cpuTotal.push((cpu.user + cpu.system) / 1000);
  queryTable(vm.result.rows, new Set(), { ...DEFAULT_QUERY, scope: 'all', sortKey: 'looLoss', sortDir: 'desc' });
  const t5 = performance.now();
  stages.validate.push(t1 - t0);
  stages.viewModel.push(t2 - t1);
  stages.heatmap.push(t3 - t2);
  stages.table.push(t4 - t3);
  stages.allRows.push(t5 - t4);
  stages.total.push(t4 - t0);
}
// Wall time suffers when other processes share the cores; CPU time of this process is shown beside it.
console.log(`Influence View view-model, ${ROWS} rows × ${WINDOWS} windows, median of ${RUNS} runs (ms), load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores:`);
console.log(`  host: encode payload  ${median(stages.encode).toFixed(2)}`);
console.log(`  structured clone      ${median(stages.clone).toFixed(2)}`);
console.log(`  page: validate        ${median(stages.validate).toFixed(2)}`);
console.log(`  decode + view-model   ${median(stages.viewModel).toFixed(2)}`);
console.log(`  top-${TOP_N} heatmap + colours ${median(stages.heatmap).toFixed(2)}`);
console.log(`  flagged table query   ${median(stages.table).toFixed(2)}`);
console.log(`  page total (validate → table) ${median(stages.total).toFixed(2)} wall, ${median(cpuTotal).toFixed(2)} CPU`);
console.log(`  re-query all rows by LOO loss (a click on a header) ${median(stages.allRows).toFixed(2)}`);
