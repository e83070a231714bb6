import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HOOK_MARKER, installPreCommitHook, preCommitHookContent, preCommitHookPath } from '../../../src/core/review/hook';
import { tempRepo, type TempRepo } from './gitRepo';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));
function repo(): TempRepo {
  const r = tempRepo('il-hook-');
  repos.push(r);
  return r;
}

test('the hook is a POSIX sh script calling the CLI through npx --no-install, then node_modules/.bin', () => {
  const text = preCommitHookContent();
  assert.ok(text.startsWith('#!/bin/sh\n'));
  assert.ok(text.includes(HOOK_MARKER));
  assert.ok(text.includes('exec npx --no-install influence-lens check --staged'));
  assert.ok(text.includes('./node_modules/.bin/influence-lens check --staged'));
  assert.ok(!text.includes('\r'));
  execFileSync('sh', ['-n', '-c', text]);
});

test('install writes an executable hook in .git/hooks, runs it, and refuses to clobber a foreign hook', async () => {
  const r = repo();
  const res = await installPreCommitHook(r.root);
  assert.equal(res.status, 'installed');
  assert.equal(res.path, path.join(r.root, '.git', 'hooks', 'pre-commit'));
  assert.equal(fs.readFileSync(res.path, 'utf8'), preCommitHookContent());
  assert.equal(fs.statSync(res.path).mode & 0o111, 0o111);
  assert.equal((await installPreCommitHook(r.root)).status, 'unchanged');

  // Run it with a stand-in npx on PATH: it must pass exactly these arguments and forward the exit code.
  const bin = path.join(r.root, 'fakebin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'npx'), '#!/bin/sh\necho "$@" > "$ARGS_OUT"\nexit 1\n', { mode: 0o755 });
  const argsOut = path.join(r.root, 'args.txt');
  r.write('x.txt', 'x');
  r.git('add', 'x.txt');
  assert.throws(() => execFileSync('git', ['commit', '-q', '-m', 'blocked'], {
    cwd: r.root, stdio: 'pipe', env: { ...process.env, PATH: `${bin}:/usr/bin:/bin`, ARGS_OUT: argsOut },
  }));
  assert.equal(fs.readFileSync(argsOut, 'utf8').trim(), '--no-install influence-lens check --staged');

  // A foreign hook stays untouched unless forced; forcing keeps a backup.
  fs.writeFileSync(res.path, '#!/bin/sh\necho mine\n', { mode: 0o755 });
  const refused = await installPreCommitHook(r.root);
  assert.equal(refused.status, 'exists');
  assert.equal(refused.existing, '#!/bin/sh\necho mine\n');
  assert.equal(fs.readFileSync(res.path, 'utf8'), '#!/bin/sh\necho mine\n');
  const forced = await installPreCommitHook(r.root, { force: true, now: () => new Date('2026-05-06T07:08:09.000Z') });
  assert.equal(forced.status, 'replaced');
  assert.equal(forced.backup, `${res.path}.backup-2026-05-06T07-08-09-000Z`);
  assert.equal(fs.readFileSync(forced.backup as string, 'utf8'), '#!/bin/sh\necho mine\n');
  assert.equal(fs.readFileSync(res.path, 'utf8'), preCommitHookContent());

  // An older copy of our own hook is updated without force.
  fs.writeFileSync(res.path, `#!/bin/sh\n${HOOK_MARKER}\nexit 0\n`);
  assert.equal((await installPreCommitHook(r.root)).status, 'updated');
  assert.equal(fs.readFileSync(res.path, 'utf8'), preCommitHookContent());
});

test('without npx the hook falls back to ./node_modules/.bin/influence-lens', async () => {
  const r = repo();
  await installPreCommitHook(r.root);
  r.write('node_modules/.bin/influence-lens', '#!/bin/sh\necho "local $@" > local-args.txt\nexit 0\n');
  fs.chmodSync(path.join(r.root, 'node_modules/.bin/influence-lens'), 0o755);
  r.write('x.txt', 'x');
  r.git('add', 'x.txt');
  const emptyBin = path.join(r.root, 'emptybin');
  fs.mkdirSync(emptyBin);
  for (const tool of ['sh', 'git', 'echo']) {
    const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    if (real.startsWith('/')) fs.symlinkSync(real, path.join(emptyBin, tool));
  }
  execFileSync(path.join(emptyBin, 'git'), ['commit', '-q', '-m', 'checked locally'], { cwd: r.root, stdio: 'pipe', env: { ...process.env, PATH: emptyBin } });
  assert.equal(r.read('local-args.txt').trim(), 'local check --staged');
});

test('core.hooksPath is respected', async () => {
  const r = repo();
  r.git('config', 'core.hooksPath', '.githooks');
  assert.equal(await preCommitHookPath(r.root), path.join(r.root, '.githooks', 'pre-commit'));
  const res = await installPreCommitHook(r.root);
  assert.equal(res.path, path.join(r.root, '.githooks', 'pre-commit'));
  assert.ok(fs.existsSync(res.path));
  assert.equal(fs.existsSync(path.join(r.root, '.git', 'hooks', 'pre-commit')), false);
});
