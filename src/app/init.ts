import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { conftestFlags, DEV_DEPENDENCY_SCHEMA, isUntouched, renderInitConfig, tierGlobs, tierOfFlag, type InitFacts } from '../config/init.js';
import { findConfigFile } from '../config/load.js';
import { DEFAULTS } from '../config/resolve.js';
import { tierOfPath } from '../core/tiers.js';
import type { RepoInventory } from '../core/types.js';
import { buildImportGraph } from '../graph/index.js';
import { pythonRootsFromConfig } from '../workspace/python-roots.js';
import { readRequirements } from '../requirements/index.js';
import { scanRepo } from '../scan/index.js';
import { createFileLister } from '../workspace/files.js';
import { dirnamePosix, relativePosix } from '../util/paths.js';

/** `seams init`: inspect a repository and propose (or write) a commented seams.yaml that describes it. */

export interface InitOptions {
  /** Overwrite a seams.yaml that was edited by hand. */
  force?: boolean;
  /** Only propose: write nothing. */
  print?: boolean;
  /** Keep a hand-edited seams.yaml (action `kept`) instead of refusing (action `refused`). */
  keepEdited?: boolean;
}

export interface InitResult {
  /** The proposed seams.yaml. */
  text: string;
  facts: InitFacts;
  /** The seams.yaml written or compared (absolute). */
  target: string;
  /**
   * `printed` (print: nothing written), `unchanged`, `written` (new file), `updated`, `kept`
   * (edited by hand, keepEdited), `refused` (edited by hand, neither force nor keepEdited).
   */
  action: 'printed' | 'unchanged' | 'written' | 'updated' | 'kept' | 'refused';
}

export async function init(root: string, options: InitOptions = {}): Promise<InitResult> {
  const inventory = await scanRepo(root);
  const facts = { ...(await gatherFacts(inventory)), schemaPath: schemaPathFor(inventory.root) };
  const text = renderInitConfig(facts);
  const existing = await findConfigFile(inventory.root);
  const target = existing ?? path.join(inventory.root, 'seams.yaml');
  if (options.print) return { text, facts, target, action: 'printed' };
  if (existing) {
    const current = await readFile(existing, 'utf8');
    if (current === text) return { text, facts, target, action: 'unchanged' };
    if (!isUntouched(current) && !options.force) return { text, facts, target, action: options.keepEdited ? 'kept' : 'refused' };
  }
  await writeFile(target, text);
  return { text, facts, target, action: existing ? 'updated' : 'written' };
}

/** This seams installation's JSON Schema (src/app → package root, and dist/app alike). */
const OWN_SCHEMA = fileURLToPath(new URL('../../schemas/seams.config.schema.json', import.meta.url));

/**
 * `$schema` for seams.yaml: the devDependency's copy (`./node_modules/seams/…`) when the repo has
 * one or seams lives elsewhere; a relative path to this checkout's schema when the repo is inside
 * it (the bundled example). Never a URL: seams is not published on a registry or CDN.
 */
export function schemaPathFor(root: string, ownSchema = OWN_SCHEMA): string {
  if (existsSync(path.join(root, DEV_DEPENDENCY_SCHEMA))) return DEV_DEPENDENCY_SCHEMA;
  const seamsRoot = path.dirname(path.dirname(ownSchema));
  const inside = path.relative(seamsRoot, root);
  if (existsSync(ownSchema) && !inside.startsWith('..') && !path.isAbsolute(inside)) {
    const rel = relativePosix(root, ownSchema);
    return rel.startsWith('.') ? rel : `./${rel}`;
  }
  return DEV_DEPENDENCY_SCHEMA;
}

function readText(root: string, rel: string): string | undefined {
  try {
    return readFileSync(path.join(root, rel), 'utf8');
  } catch {
    return undefined;
  }
}

/** `2 runner config(s), 3 tier(s), …`: what a written seams.yaml describes. */
export function initSummary(f: InitFacts): string {
  return [
    `${f.runners.length} runner config(s)`,
    `${f.tiers.length + (f.unitTests ? 1 : 0)} tier(s)`,
    `${f.components.length + f.externals.length} component(s)`,
    `${f.requirements} requirement id(s)`,
  ].join(', ');
}

/** External systems worth a component, by the modules that reach them. */
const SYSTEMS: { id: string; note: string; modules: string[] }[] = [
  { id: 'aws', note: 'AWS APIs (boto3 / AWS SDK)', modules: ['boto3', 'botocore', 'aioboto3', 'aiobotocore', 'aws-sdk'] },
  { id: 'postgres', note: 'PostgreSQL', modules: ['psycopg2', 'psycopg', 'asyncpg', 'pg', 'postgres', 'pg8000'] },
  { id: 'redis', note: 'Redis', modules: ['redis', 'ioredis', 'aioredis'] },
  { id: 'mysql', note: 'MySQL', modules: ['pymysql', 'MySQLdb', 'mysql', 'mysql2'] },
  { id: 'mongodb', note: 'MongoDB', modules: ['pymongo', 'motor', 'mongodb', 'mongoose'] },
  { id: 'kafka', note: 'Kafka', modules: ['kafka', 'confluent_kafka', 'aiokafka', 'kafkajs'] },
  { id: 'rabbitmq', note: 'RabbitMQ', modules: ['pika', 'aio_pika', 'amqplib'] },
  { id: 'elasticsearch', note: 'Elasticsearch', modules: ['elasticsearch', '@elastic/elasticsearch'] },
  { id: 'gcp', note: 'Google Cloud', modules: ['google.cloud', '@google-cloud'] },
  { id: 'azure', note: 'Azure', modules: ['azure', '@azure'] },
  { id: 'http', note: 'HTTP APIs', modules: ['requests', 'httpx', 'aiohttp', 'axios', 'node-fetch', 'undici'] },
  { id: 'sql', note: 'SQL databases through SQLAlchemy', modules: ['sqlalchemy'] },
  { id: 'database', note: 'a database through an ORM / query builder', modules: ['@prisma/client', 'prisma', 'drizzle-orm', 'knex', 'typeorm', 'sequelize', 'kysely', 'django.db', 'peewee', 'tortoise'] },
  { id: 'sqlite', note: 'SQLite', modules: ['better-sqlite3', 'sqlite3'] },
  { id: 'smtp', note: 'e-mail (SMTP)', modules: ['smtplib', 'nodemailer'] },
];

function systemOf(module: string): (typeof SYSTEMS)[number] | undefined {
  if (module.startsWith('@aws-sdk/')) return SYSTEMS[0];
  return SYSTEMS.find((s) => s.modules.some((m) => module === m || module.startsWith(`${m}.`) || module.startsWith(`${m}/`)));
}

const TEST_SEGMENT = /^(tests?|testing|__tests__|e2e|spec|specs|fixtures?|conftest\.py)$/i;
const isTestPath = (f: string) => f.split('/').some((s) => TEST_SEGMENT.test(s)) || /(^|\/)(test_[^/]*|[^/]*_test)\.py$|\.(test|spec)\.[cm]?[jt]sx?$/.test(f);

export async function gatherFacts(inventory: RepoInventory): Promise<InitFacts> {
  const files = await createFileLister(inventory.root)();
  const fileSet = new Set(files);

  // tiers and markers
  const byTier = new Map<string, typeof inventory.tests>();
  for (const t of inventory.tests) byTier.set(t.tier, [...(byTier.get(t.tier) ?? []), t]);
  const tiers: InitFacts['tiers'] = [];
  for (const [tier, tests] of [...byTier].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (tier === 'unit') continue;
    // Folders that name the tier, also for tests a marker placed there first.
    const segment = new Map<string, string>();
    for (const t of tests) {
      const byPath = tierOfPath(t.file);
      if (byPath?.tier === tier) segment.set(t.file, byPath.segment);
    }
    const paths = tierGlobs([...segment.keys()], (f) => segment.get(f));
    for (const t of tests) if (t.tierSource.startsWith('runner:')) paths.push(`${dirnamePosix(t.file) || '.'}/**`);
    const markers = [...new Set(tests.filter((t) => t.tierSource.startsWith('marker:')).map((t) => t.tierSource.slice(7)))].sort();
    tiers.push({ tier, paths: [...new Set(paths)].sort(), markers, tests: tests.length, files: new Set(tests.map((t) => t.file)).size });
  }
  const markerCounts = new Map<string, number>();
  for (const t of inventory.tests) for (const m of new Set(t.markers)) markerCounts.set(m, (markerCounts.get(m) ?? 0) + 1);
  const markers = [...markerCounts].map(([name, tests]) => ({ name, tests })).sort((a, b) => b.tests - a.tests || a.name.localeCompare(b.name)).slice(0, 20);

  // components from the source layout
  const components = new Map<string, string[]>();
  const addComponent = (id: string, glob: string) => {
    let name = id.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'src';
    while (components.has(name) && !components.get(name)!.includes(glob)) name = `${name}-2`;
    components.set(name, [...(components.get(name) ?? []), glob]);
  };
  const pyPackages = [...new Set(files.filter((f) => f.endsWith('/__init__.py') && !isTestPath(f)).map(dirnamePosix))].sort();
  const isPkg = (d: string) => d !== '' && fileSet.has(`${d}/__init__.py`);
  for (const d of pyPackages) {
    const parent = dirnamePosix(d);
    const hasChildren = pyPackages.some((p) => dirnamePosix(p) === d);
    const topLevel = !isPkg(parent);
    if (isPkg(parent) && !isPkg(dirnamePosix(parent))) addComponent(d.split('/').pop()!, `${d}/**`);
    else if (topLevel && !hasChildren) addComponent(d.split('/').pop()!, `${d}/**`);
    // a top-level package with subpackages: its own modules are a component too
    if (topLevel && hasChildren && files.some((f) => dirnamePosix(f) === d && f.endsWith('.py') && !f.endsWith('/__init__.py')))
      addComponent(d.split('/').pop()!, `${d}/*.py`);
  }
  // JS/TS: folders below a package's code root (src/, app/, lib/, server/) or at the package top.
  const packageDirs = [...new Set(files.filter((f) => f === 'package.json' || f.endsWith('/package.json')).map(dirnamePosix))]
    .filter((d) => !d.split('/').some((seg) => seg === 'node_modules' || seg.startsWith('.')))
    .sort((a, b) => b.length - a.length);
  const CODE_ROOTS = new Set(['src', 'app', 'lib', 'server', 'client', 'source']);
  const SKIP_DIRS = new Set(['dist', 'build', 'out', 'public', 'coverage', 'node_modules', 'vendor', 'scripts', 'config', 'types', 'other']);
  const codeDirs = new Set<string>();
  const codeTops = new Set<string>();
  for (const f of files) {
    if (!/\.[cm]?[jt]sx?$/.test(f) || f.endsWith('.d.ts') || isTestPath(f) || /\.config\.[cm]?[jt]s$/.test(f)) continue;
    if (f.split('/').some((seg) => SKIP_DIRS.has(seg) || seg.startsWith('.'))) continue;
    const pkg = packageDirs.find((d) => d === '' || f.startsWith(`${d}/`));
    if (pkg === undefined) continue;
    const rel = (pkg === '' ? f : f.slice(pkg.length + 1)).split('/');
    if (rel.length < 2) continue;
    const base = pkg === '' ? '' : `${pkg}/`;
    if (CODE_ROOTS.has(rel[0]!) && rel.length >= 3) codeDirs.add(`${base}${rel[0]}/${rel[1]}`);
    else if (CODE_ROOTS.has(rel[0]!)) codeTops.add(`${base}${rel[0]}`);
    else if (!CODE_ROOTS.has(rel[0]!)) codeDirs.add(`${base}${rel[0]}`);
  }
  for (const d of [...codeDirs].sort()) addComponent(d.split('/').pop()!, `${d}/**`);
  // modules directly in a code root (web/src/server.ts): named after the package folder
  for (const d of [...codeTops].sort()) addComponent(dirnamePosix(d).split('/').pop() || d.split('/').pop()!, `${d}/*`);
  const componentList = [...components].slice(0, 25).map(([id, paths]) => ({ id, paths }));
  const sourceRoots = new Set<string>();
  for (const r of pythonRootsFromConfig(files, (f) => readText(inventory.root, f))) sourceRoots.add(`${r || '.'} (pythonpath)`);
  for (const d of pyPackages) if (!isPkg(dirnamePosix(d))) sourceRoots.add(`${d} (Python package)`);
  for (const d of codeDirs) if (d.includes('/')) sourceRoots.add(`${d.slice(0, d.lastIndexOf('/'))} (TypeScript/JavaScript)`);

  // external systems the code imports (from the tests' import graph)
  const entries = [...new Set(inventory.tests.map((t) => t.file))].concat(files.filter((f) => f.endsWith('conftest.py')));
  const { graph } = buildImportGraph(inventory.root, { files, entries });
  const systems = new Map<string, { note: string; modules: Set<string> }>();
  for (const [file, node] of Object.entries(graph.files)) {
    if (isTestPath(file)) continue;
    for (const e of node.externals) {
      const s = systemOf(e.module);
      if (!s) continue;
      const entry = systems.get(s.id) ?? { note: s.note, modules: new Set<string>() };
      entry.modules.add(e.module.startsWith('@') ? e.module : e.module.split(/[./]/)[0]!);
      systems.set(s.id, entry);
    }
  }
  const externals = [...systems]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([id, s]) => ({ id: components.has(id) ? `${id}-api` : id, imports: [...s.modules].sort(), note: s.note }));

  // requirement sources
  const md = files.filter((f) => /\.(md|markdown)$/i.test(f) && !/(^|\/)(CHANGELOG|CHANGES|LICENSE|node_modules)/i.test(f));
  const req = await readRequirements(inventory.root, md, ['**/*'], DEFAULTS.requirementPattern);
  const defining = new Set(req.definitions.map((d) => d.file));
  const sources = new Set<string>();
  for (const f of defining) {
    const top = f.includes('/') ? f.split('/')[0] : undefined;
    sources.add(top ? `${top}/**/*.md` : f);
  }
  // flags conftests define to opt in to tests (--runintegration): proposed as a tier's args
  const pytestFlags: NonNullable<InitFacts['pytestFlags']> = [];
  const conftests = files.filter((f) => (f === 'conftest.py' || f.endsWith('/conftest.py')) && !f.split('/').some((seg) => seg === 'node_modules' || seg.startsWith('.'))).sort();
  for (const file of conftests.slice(0, 200)) {
    for (const flag of conftestFlags(readText(inventory.root, file) ?? ''))
      if (!pytestFlags.some((p) => p.flag === flag)) {
        // the runner of the Python tests the conftest governs, when they have one
        const dir = dirnamePosix(file);
        const runners = [...new Set(inventory.tests.filter((t) => t.file.endsWith('.py') && (dir === '' || t.file.startsWith(`${dir}/`))).map((t) => t.runner as string))];
        const tier = tierOfFlag(flag);
        pytestFlags.push({ flag, file, ...(tier ? { tier } : {}), ...(runners.length === 1 ? { runner: runners[0] } : {}) });
      }
  }
  return {
    name: inventory.name,
    runners: inventory.runners.map((r) => ({ runner: r.runner, configFile: r.configFile, project: r.project })),
    tiers,
    unitTests: byTier.get('unit')?.length ?? 0,
    markers,
    sourceRoots: [...sourceRoots].sort(),
    components: componentList,
    externals,
    requirementSources: [...sources].sort(),
    requirements: req.definitions.length,
    ...(pytestFlags.length ? { pytestFlags } : {}),
  };
}
