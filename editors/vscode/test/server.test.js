// How the extension finds `datalex` (src/server.ts, compiled to out/ by `npm run compile`,
// which `npm test` runs first).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { resolveServer, ServerNotFound } = require('../out/server.js');

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'datalex-vscode-'));
}

function executable(dir, name) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
}

const env = (over) => ({ path: '', pathext: undefined, platform: 'linux', base: undefined, ...over });

test('a bare name is looked up on PATH and started as `NAME lsp EXTRA...`', { skip: process.platform === 'win32' }, () => {
  const empty = tempDir();
  const bin = tempDir();
  const file = executable(bin, 'datalex');
  fs.writeFileSync(path.join(empty, 'datalex'), 'not executable');
  const server = resolveServer('datalex', ['--log', 'debug'], env({ path: [empty, bin].join(path.delimiter) }));
  assert.deepEqual(server, { command: file, args: ['lsp', '--log', 'debug'] });
  assert.equal(resolveServer('  ', [], env({ path: bin })).command, file, 'an empty setting means `datalex`');
});

test('a missing binary gives a message that says how to install it', () => {
  assert.throws(
    () => resolveServer('datalex', [], env({ path: tempDir() })),
    (err) =>
      err instanceof ServerNotFound &&
      /`datalex` was not found on PATH/.test(err.message) &&
      /cargo install --path \./.test(err.message) &&
      /datalex\.server\.path/.test(err.message),
  );
});

test('a relative path is taken from the workspace folder; a wrong one is reported', { skip: process.platform === 'win32' }, () => {
  const base = tempDir();
  fs.mkdirSync(path.join(base, 'target', 'release'), { recursive: true });
  const file = executable(path.join(base, 'target', 'release'), 'datalex');
  assert.equal(resolveServer('target/release/datalex', [], env({ base })).command, file);
  assert.equal(resolveServer(file, [], env({ base: undefined })).command, file);
  assert.throws(
    () => resolveServer('target/debug/datalex', [], env({ base })),
    (err) => err instanceof ServerNotFound && err.message.includes(path.join(base, 'target', 'debug', 'datalex')),
  );
});

test('on Windows, PATHEXT extensions are tried', () => {
  const bin = tempDir();
  const file = path.join(bin, 'datalex.EXE');
  fs.writeFileSync(file, '');
  const server = resolveServer('datalex', [], { path: bin, pathext: '.COM;.EXE', platform: 'win32', base: undefined });
  assert.equal(server.command, file);
});
