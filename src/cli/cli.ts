/**
 * `influence-lens` command line: scan, verify, check. Exit codes: 0 success, 1 check found
 * unreviewed flagged rows, 2 bad input or bad usage (with a message naming file and line).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Command, CommanderError } from 'commander';
import { analyze, TOOL_VERSION, type AnalyzeHooks } from '../core/analyze';
import { isInputError } from '../core/data/types';
import { SettingsError, type Settings } from '../core/settings';
import { toSarif } from '../core/report/sarif';
import { addEngineOptions, settingsFromFlags, threadsFromFlags, type ScanFlags } from './options';
import { createRowWorkers } from '../parallel/rowWorkers';
import { loadAccelerator } from '../accel/loader';
import { formatSummary, formatTable, formatVerification } from './format';
import { runCheck } from './check';

export const EXIT_OK = 0;
export const EXIT_FLAGGED = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * Progress on stderr, only when it is a terminal (never mixed into JSON on stdout); `threads`
 * for the estimators; the accelerator unless the settings turn it off (loaded whenever it may
 * be used, so that the CLI and the editor take the same path on the same data).
 */
async function progressHooks(threads = 0, settings?: Settings): Promise<AnalyzeHooks> {
  const workers = createRowWorkers(threads);
  const accelerator = settings && settings.accelerator !== 'off' ? (await loadAccelerator(settings.accelerator)).accelerator ?? undefined : undefined;
  if (!process.stderr.isTTY) return { workers, accelerator };
  let last = '';
  return {
    workers,
    accelerator,
    onProgress: (p) => {
      const width = 24;
      const filled = Math.round((p.percent / 100) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(p.percent).padStart(3)}% ${p.phase}: ${p.message}`.slice(0, (process.stderr.columns || 80) - 1);
      if (line !== last) process.stderr.write(`\r\x1b[2K${line}`);
      last = line;
    },
  };
}

function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

function readInput(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw Object.assign(new Error(`${file}: cannot read the file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code ?? e)}).`), { exitCode: EXIT_BAD_INPUT });
  }
}

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

async function runScan(file: string, settings: Settings, threads: number) {
  const content = readInput(file);
  const validation = settings.validationFile ? { file: displayName(settings.validationFile), content: readInput(settings.validationFile) } : undefined;
  const hooks = await progressHooks(threads, settings);
  try {
    return analyze({ file: displayName(file), content, settings, validation }, hooks);
  } finally {
    endProgress();
  }
}

function emit(text: string, out: string | undefined): void {
  if (out) writeFileSync(out, text.endsWith('\n') ? text : `${text}\n`);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function buildProgram(): Command {
  const program = new Command('influence-lens')
    .description('Find harmful and mislabelled rows in CSV/TSV/JSONL datasets with ACC-SGD-IE influence estimation.')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  addEngineOptions(
    program
      .command('scan')
      .description('train a small model on the file and rank rows by influence')
      .argument('<file>', 'dataset (.csv, .tsv, .jsonl)')
      .option('--format <format>', 'table, json or sarif', 'table')
      .option('--out <file>', 'write the output to a file instead of stdout'),
  ).action(async (file: string, opts: ScanFlags & { format: string; out?: string }) => {
    if (!['table', 'json', 'sarif'].includes(opts.format)) throw new SettingsError('format', `expected table, json or sarif, got "${opts.format}"`);
    const analysis = await runScan(file, settingsFromFlags(opts), threadsFromFlags(opts));
    const r = analysis.result;
    if (opts.format === 'json') emit(JSON.stringify(r, null, 2), opts.out);
    else if (opts.format === 'sarif') emit(JSON.stringify(toSarif([{ file: r.file, result: r }], TOOL_VERSION), null, 2), opts.out);
    else emit(`${formatSummary(r)}\n\n${formatTable(r)}`, opts.out);
  });

  addEngineOptions(
    program
      .command('verify')
      .description('retrain without the flagged rows (exact replay) and compare the real change with the predicted one')
      .argument('<file>', 'dataset (.csv, .tsv, .jsonl)')
      .option('--rows <list>', 'comma-separated data-row indices to remove (default: the flagged rows)')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (file: string, opts: ScanFlags & { rows?: string; format: string }) => {
    const analysis = await runScan(file, settingsFromFlags(opts), threadsFromFlags(opts));
    const r = analysis.result;
    const rows = opts.rows
      ? opts.rows.split(',').map((s) => {
          const n = Number(s.trim());
          if (!Number.isInteger(n) || n < 0) throw new SettingsError('rows', `"${s}" is not a row index`);
          return n;
        })
      : r.rows.filter((x) => x.flagged).map((x) => x.row);
    // Rows held out for validation (or unlabelled) cannot be left out of training: a usage error, not a crash.
    const trained = new Set(r.rows.map((x) => x.row));
    const untrained = rows.filter((x) => !trained.has(x));
    if (untrained.length > 0) throw new SettingsError('rows', `row(s) ${untrained.slice(0, 10).join(', ')} were not trained on (validation split, no label, or past the end); pick trained rows, e.g. from scan --format json`);
    if (rows.length === 0) {
      emit('No rows to verify: nothing was flagged.', undefined);
      return;
    }
    const v = analysis.verify(rows, await progressHooks());
    endProgress();
    emit(opts.format === 'json' ? JSON.stringify(v, null, 2) : `${formatSummary(r)}\n\n${formatVerification(v)}`, undefined);
  });

  addEngineOptions(
    program
      .command('check')
      .description('for git hooks and CI: exit 1 when unreviewed flagged rows remain among added or changed rows')
      .argument('[files...]', 'dataset files (default with --staged: the staged dataset files)')
      .option('--staged', 'check the staged version of staged dataset files')
      .option('--base <rev>', 'for CI: check what HEAD changed since its merge base with <rev> (committed content)')
      .option('--all-rows', 'consider every row, not only added or changed ones')
      .option('--format <format>', 'text, json or sarif', 'text')
      .option('--out <file>', 'write json/sarif output to a file'),
  ).action(async (files: string[], opts: ScanFlags & { staged?: boolean; base?: string; allRows?: boolean; format: string; out?: string }) => {
    if (!['text', 'json', 'sarif'].includes(opts.format)) throw new SettingsError('format', `expected text, json or sarif, got "${opts.format}"`);
    const outcome = await runCheck({
      files,
      staged: Boolean(opts.staged),
      base: opts.base,
      cwd: process.cwd(),
      hooks: await progressHooks(threadsFromFlags(opts), settingsFromFlags(opts)),
      format: opts.format as 'text' | 'json' | 'sarif',
      allRows: Boolean(opts.allRows),
      settings: settingsFromFlags(opts),
    });
    endProgress();
    if (opts.format === 'sarif' && outcome.sarif) {
      emit(JSON.stringify(outcome.sarif, null, 2), opts.out);
      process.stderr.write(`${outcome.summary}\n`);
    } else if (opts.format === 'json') {
      emit(JSON.stringify({ summary: outcome.summary, exitCode: outcome.exitCode, files: outcome.results }, null, 2), opts.out);
      process.stderr.write(`${outcome.summary}\n`);
    } else {
      // The text report names every row to review and ends with the one-line summary.
      emit(outcome.text, opts.out);
    }
    process.exitCode = outcome.exitCode;
  });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successes; every usage error is exit 2.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT_OK : EXIT_BAD_INPUT;
    }
    endProgress();
    if (isInputError(e)) {
      process.stderr.write(`error: ${e.format()}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof SettingsError) {
      process.stderr.write(`error: invalid option ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    const exitCode = (e as { exitCode?: number }).exitCode;
    if (exitCode === EXIT_BAD_INPUT) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
