import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/cli.js';

// npm prints EBADENGINE for every locked package whose engines.node excludes the Node
// version package.json promises. Each such package must be explained in the README
// section below, so that a new contradiction cannot slip in silently.
const HEADING = '## Node version and the EBADENGINE warning';

interface Semver {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
}
// semver is npm's own range logic (locked as a dependency of our tooling).
const semver = createRequire(import.meta.url)('semver') as Semver;

const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

function readmeSection(): string {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`${HEADING}\n`);
  if (start < 0) return '';
  const next = readme.indexOf('\n## ', start + HEADING.length);
  return readme.slice(start, next < 0 ? undefined : next);
}

describe('engines.node of the locked packages agrees with package.json', () => {
  it('every package that wants a newer Node is named in the README section that explains the warning', () => {
    const promised = (readJson('package.json').engines as { node: string }).node;
    const minimum = semver.minVersion(promised)?.version;
    expect(minimum, `package.json engines.node "${promised}" is not a version range`).toBeDefined();
    const packages = readJson('package-lock.json').packages as Record<string, { engines?: { node?: string } | string[] }>;
    const conflicting = Object.entries(packages)
      .filter(([key, meta]) => {
        const range = Array.isArray(meta.engines) ? undefined : meta.engines?.node;
        return key !== '' && range !== undefined && !semver.satisfies(minimum as string, range);
      })
      .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const section = readmeSection();
    const unexplained = [...new Set(conflicting)].filter((name) => !section.includes(`\`${name}\``));
    expect(unexplained, `these locked packages want a newer Node than package.json's "${promised}": name each in README.md under "${HEADING}" and say why the warning is harmless, or pick versions that agree`).toEqual([]);
  });
});
