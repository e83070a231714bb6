// Generates sample/fruit.csv: a small synthetic dataset for `npm start` and the README demo.
// 240 fruits of 3 kinds measured with noise; 12 labels are deliberately wrong (listed in
// sample/fruit.flips.json) so a scan has something real to find. Deterministic (fixed seed).
import { writeFileSync } from 'node:fs';

let s = 12345;
const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
const normal = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
const kinds = {
  apple: { weight: 180, diameter: 7.5, sweetness: 6, colors: ['red', 'green', 'yellow'] },
  orange: { weight: 140, diameter: 6.5, sweetness: 5, colors: ['orange'] },
  lemon: { weight: 90, diameter: 5.5, sweetness: 2, colors: ['yellow', 'green'] },
};
const names = Object.keys(kinds);
const farms = ['Hill Farm', 'Riverside, north field', 'Old "Orchard"', 'Valley Co-op'];
const q = (v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const rows = [];
for (let i = 0; i < 240; i++) {
  const label = names[i % 3];
  const k = kinds[label];
  rows.push({
    weight_g: (k.weight + 18 * normal()).toFixed(1),
    diameter_cm: (k.diameter + 0.5 * normal()).toFixed(2),
    sweetness: Math.max(0, Math.min(10, k.sweetness + 1.2 * normal())).toFixed(1),
    color: k.colors[Math.floor(rand() * k.colors.length)],
    farm: farms[Math.floor(rand() * farms.length)],
    label,
  });
}
const flips = [];
while (flips.length < 12) {
  const i = Math.floor(rand() * rows.length);
  if (flips.includes(i)) continue;
  flips.push(i);
  const others = names.filter((n) => n !== rows[i].label);
  rows[i].label = others[Math.floor(rand() * others.length)];
}
flips.sort((a, b) => a - b);
const cols = Object.keys(rows[0]);
writeFileSync('sample/fruit.csv', [cols.join(','), ...rows.map((r) => cols.map((c) => q(r[c])).join(','))].join('\n') + '\n');
writeFileSync('sample/fruit.flips.json', JSON.stringify({ label: 'label', rows: flips }) + '\n');
console.log(`wrote sample/fruit.csv (${rows.length} rows, ${flips.length} flipped labels)`);
