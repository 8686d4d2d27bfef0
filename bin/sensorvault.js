#!/usr/bin/env node
// Entry point of the `sensorvault` command: runs the compiled CLI from dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { format } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'electron', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`sensorvault: not built yet (${entry} is missing); run \`npm install\` or \`npm run build\` in ${root}\n`);
  process.exit(1);
}
// stdout carries data (JSON lines, CSV, the gateway URL). Libraries that print to the
// console (node-opcua's warnings, for one) are sent to stderr so they never corrupt it.
const toStderr = (...args) => process.stderr.write(`${format(...args)}\n`);
console.log = toStderr;
console.info = toStderr;
console.warn = toStderr;
console.debug = toStderr;
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2));
// Exit once stdout has drained, even if a library left a handle open.
process.stdout.write('', () => process.exit(code));
