// Reads every *.json under a vectors folder into cases: vector files (`{vectors: [...]}`) and adversarial lists.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseJson } from '../json/parse.js';
import type { ConformanceCase, InvalidCase, JsonObject, ScenarioCase, Suite, VectorCase } from './types.js';

const VERSION_FOLDER = /^v(\d+)(?:\.\d+)*$/;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) out.push(...jsonFilesUnder(full));
    else if (st.isFile() && name.endsWith('.json')) out.push(full);
  }
  return out;
}

/** The nearest version folder (`v1.0`) of a file, walking up from it; the runner's list semantics depend on it. */
export function versionOf(relPath: string): { label: string; major: number } {
  const folders = relPath.split(sep).join('/').split('/').slice(0, -1).reverse();
  for (const f of folders) {
    const m = VERSION_FOLDER.exec(f);
    if (m) return { label: f, major: Number(m[1]) };
  }
  return { label: '', major: 1 };
}

function vectorProblem(v: unknown): string | null {
  if (!isObject(v)) return 'vector is not an object';
  if (typeof v['id'] !== 'string' || v['id'] === '') return 'vector has no string id';
  if (typeof v['method'] !== 'string' || !/^[A-Za-z]+$/.test(v['method'])) return 'vector has no valid method';
  if (typeof v['path'] !== 'string' || !v['path'].startsWith('/')) return "vector has no path starting with '/'";
  const st = v['expected_status'];
  const inList = v['expected_status_in'];
  if (st !== undefined && typeof st !== 'number') return 'expected_status is not a number';
  if (inList !== undefined && (!Array.isArray(inList) || !inList.every((s) => typeof s === 'number'))) {
    return 'expected_status_in is not a list of numbers';
  }
  return null;
}

function scenarioProblem(s: unknown): string | null {
  if (!isObject(s)) return 'scenario is not an object';
  if (typeof s['id'] !== 'string' || s['id'] === '') return 'scenario has no string id';
  if (typeof s['endpoint'] !== 'string' || !s['endpoint'].startsWith('/')) return "scenario has no endpoint starting with '/'";
  const lists = [s['expected_status'], s['expected_status_on_replay']].filter((x) => x !== undefined);
  if (lists.length === 0) return 'scenario has neither expected_status nor expected_status_on_replay';
  for (const l of lists) if (!Array.isArray(l) || !l.every((x) => typeof x === 'number')) return 'expected status is not a list of numbers';
  return null;
}

function casesOfFile(root: string, full: string): ConformanceCase[] {
  const file = relative(root, full).split(sep).join('/');
  const invalid = (id: string, reason: string): InvalidCase => ({ kind: 'invalid', id, file, reason });
  let doc: unknown;
  try {
    doc = parseJson(readFileSync(full, 'utf8'));
  } catch (e) {
    return [invalid(file, `cannot parse: ${(e as Error).message}`)];
  }
  if (Array.isArray(doc)) {
    return doc.map((s, i): ConformanceCase => {
      const problem = scenarioProblem(s);
      if (problem) return invalid(isObject(s) && typeof s['id'] === 'string' ? s['id'] : `${file}[${i}]`, problem);
      const sc = s as JsonObject;
      return { kind: 'adversarial', id: sc['id'] as string, file, scenario: sc } satisfies ScenarioCase;
    });
  }
  if (!isObject(doc) || !Array.isArray(doc['vectors'])) return [invalid(file, 'neither a vector file ({"vectors": [...]}) nor a scenario list')];
  const { label, major } = versionOf(file);
  const filePlugin = typeof doc['requires_plugin'] === 'string' ? doc['requires_plugin'] : null;
  return doc['vectors'].map((v, i): ConformanceCase => {
    const problem = vectorProblem(v);
    if (problem) return invalid(isObject(v) && typeof v['id'] === 'string' ? v['id'] : `${file}[${i}]`, problem);
    const vec = v as JsonObject;
    const plugin = typeof vec['requires_plugin'] === 'string' ? vec['requires_plugin'] : filePlugin;
    return { kind: 'vector', id: vec['id'] as string, file, versionLabel: label, major, vector: vec, requiresPlugin: plugin } satisfies VectorCase;
  });
}

/** Load a suite; files that cannot be read become failing cases rather than exceptions. */
export function loadSuite(root: string): Suite {
  const cases: ConformanceCase[] = [];
  for (const full of jsonFilesUnder(root)) cases.push(...casesOfFile(root, full));
  const setupIndex = new Map<string, Map<string, VectorCase>>();
  for (const c of cases) {
    if (c.kind !== 'vector') continue;
    let byId = setupIndex.get(c.versionLabel);
    if (!byId) setupIndex.set(c.versionLabel, (byId = new Map()));
    if (!byId.has(c.id)) byId.set(c.id, c);
  }
  return { root, cases, setupIndex };
}
