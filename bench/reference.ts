/**
 * The reference figures (`../shared/reference/RESULTS.md`, `SIGNALS.md`), parsed from their
 * Markdown tables so the accuracy report can print them beside ours where the protocol
 * matches. Missing files or rows simply yield no reference value.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REF_DIR = path.resolve(process.cwd(), '..', 'shared', 'reference');

export interface RefFaith {
  valLoss: number;
  valAcc: number;
  sgd: [number, number, number];
  acc: [number, number, number];
  relSgd: number;
  relAcc: number;
}
export interface RefFlip { loo: number; acc: number; sgd: number; trainLoss: number }
export interface RefSignal { valAcc: number; lastAcc: number; trainLoss: number; looLossAcc: number; looLossExact: number }
export interface RefCleanse { before: number; acc: number; sgd: number; loo: number; random: number }

export interface Reference {
  faith: Map<string, RefFaith>;
  flip: Map<string, RefFlip>;
  signal: Map<string, RefSignal>;
  cleanse: Map<string, RefCleanse>;
}

/** Rows (as cell arrays) of every table whose header line starts with `headerStart`, in file order. */
function tables(text: string, headerStart: string): string[][][] {
  const lines = text.split('\n');
  const out: string[][][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith(headerStart)) continue;
    const rows: string[][] = [];
    for (let j = i + 2; j < lines.length && lines[j].startsWith('|'); j++) rows.push(lines[j].split('|').slice(1, -1).map((c) => c.trim()));
    out.push(rows);
  }
  return out;
}

const num = (s: string) => Number.parseFloat(s);
const first = (s: string) => num(s.split('/')[0]);
const triple = (s: string) => s.split('/').map((v) => num(v)) as [number, number, number];

export const key = (...parts: (string | number)[]) => parts.join('|');

export function loadReference(): Reference {
  const ref: Reference = { faith: new Map(), flip: new Map(), signal: new Map(), cleanse: new Map() };
  const resFile = path.join(REF_DIR, 'RESULTS.md'), sigFile = path.join(REF_DIR, 'SIGNALS.md');
  if (existsSync(resFile)) {
    const text = readFileSync(resFile, 'utf8');
    // Faithfulness tables: softmax first, then mlp16 (in file order).
    const faith = tables(text, '| dataset | n | p | E | T | val loss');
    faith.forEach((rows, ti) => {
      const model = ti === 0 ? 'softmax' : 'mlp';
      for (const c of rows) {
        ref.faith.set(key(c[0], model, c[3]), {
          valLoss: num(c[5]), valAcc: num(c[6]), sgd: triple(c[7]), acc: triple(c[8]), relSgd: num(c[9]), relAcc: num(c[10]),
        });
      }
    });
    for (const rows of tables(text, '| dataset | model | flipped/n_train')) {
      for (const c of rows) ref.flip.set(key(c[0], c[1] === 'mlp16' ? 'mlp' : c[1], c[3]), { loo: num(c[4]), acc: num(c[5]), sgd: num(c[6]), trainLoss: num(c[7]) });
    }
    for (const rows of tables(text, '| dataset | model | E | k | before')) {
      for (const c of rows) {
        ref.cleanse.set(key(c[0], c[1] === 'mlp16' ? 'mlp' : c[1], c[2]), { before: first(c[4]), acc: first(c[5]), sgd: first(c[6]), loo: first(c[7]), random: first(c[8]) });
      }
    }
  }
  if (existsSync(sigFile)) {
    for (const rows of tables(readFileSync(sigFile, 'utf8'), '| dataset | E | val-LOO')) {
      for (const c of rows) {
        if (c[0].startsWith('**')) continue;
        ref.signal.set(key(c[0], c[1]), { valAcc: first(c[3]), lastAcc: first(c[6]), trainLoss: first(c[7]), looLossAcc: first(c[8]), looLossExact: first(c[9]) });
      }
    }
  }
  return ref;
}
