import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPythonSource, layoutSourceFiles, proposeComponents, proposeWorkflows } from './init-layout.js';
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
import { jsAddDevCommand, jsPackageManager } from '../workspace/package-manager.js';
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
  const schema = schemaFor(inventory.root);
  const facts: InitFacts = { ...(await gatherFacts(inventory)), ...(schema.path ? { schemaPath: schema.path } : {}), schemaNote: schema.note };
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
 * `$schema` for seams.yaml, only as a path that exists relative to it: the devDependency's copy
 * (`./node_modules/seams/…`) when the repo has one; else the schema of the seams installation
 * running init when it is inside or near the repo (the bundled example, a sibling checkout). Else
 * no `$schema` line, and a note that says how to get completion (with the repo's package manager).
 * Never a URL (seams is not published on a registry or CDN) and never an absolute path (it would
 * not resolve on another machine).
 */
export function schemaFor(root: string, ownSchema = OWN_SCHEMA): { path?: string; note: string } {
  if (existsSync(path.join(root, DEV_DEPENDENCY_SCHEMA))) return { path: DEV_DEPENDENCY_SCHEMA, note: 'Completion in editors (the schema of the seams devDependency).' };
  const seamsRoot = path.dirname(path.dirname(ownSchema));
  // the running seams' own schema only for a repo inside its checkout (the bundled example): a path
  // out of the repo (../seams/schemas/…) resolves on this machine only, not for the team or in CI
  const inside = !path.relative(seamsRoot, root).startsWith('..') && !path.isAbsolute(path.relative(seamsRoot, root));
  if (existsSync(ownSchema) && inside) {
    const rel = relativePosix(root, ownSchema);
    return { path: rel.startsWith('.') ? rel : `./${rel}`, note: 'Completion in editors (the schema of the seams checkout this repo is in).' };
  }
  const add = jsAddDevCommand(jsPackageManager(root, root), seamsRoot);
  return {
    note: `No $schema: this repo has no copy of seams' schema. For completion in editors, add seams as a dev dependency (${add}), then add the line $schema: ${DEV_DEPENDENCY_SCHEMA}`,
  };
}

/** The `$schema` init writes for a repo, or undefined when it writes none (see schemaFor). */
export function schemaPathFor(root: string, ownSchema = OWN_SCHEMA): string | undefined {
  return schemaFor(root, ownSchema).path;
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

  // One import graph of the tests and of every source file: the external systems the code imports,
  // how a flat package's private modules group, and which components import which.
  const read = (f: string) => readText(inventory.root, f);
  const testFiles = [...new Set(inventory.tests.map((t) => t.file))];
  const entries = [...new Set([...testFiles, ...files.filter((f) => f.endsWith('conftest.py')), ...layoutSourceFiles(files)])];
  const { graph } = buildImportGraph(inventory.root, { files, entries });

  // components from the source layout (src/app/init-layout.ts)
  const layout = proposeComponents(inventory.root, files, read, graph);
  const componentIds = new Set(layout.components.map((c) => c.id));
  const sourceRoots = new Set<string>();
  for (const r of pythonRootsFromConfig(files, read)) sourceRoots.add(`${r || '.'} (pythonpath)`);
  const pyPackages = files.filter((f) => f.endsWith('/__init__.py') && isPythonSource(f)).map(dirnamePosix);
  const pkgSet = new Set(pyPackages);
  for (const d of pyPackages) if (!pkgSet.has(dirnamePosix(d))) sourceRoots.add(`${d} (Python package)`);

  // external systems the code imports
  const systems = new Map<string, { note: string; modules: Set<string> }>();
  // only the code the components are made of (not examples, docs sites, scripts)
  const codeFiles = new Set([...layout.sourceFiles, ...layoutSourceFiles(files)]);
  for (const [file, node] of Object.entries(graph.files)) {
    if (isTestPath(file) || !codeFiles.has(file)) continue;
    for (const e of node.externals) {
      const s = systemOf(e.module);
      if (!s) continue;
      const entry = systems.get(s.id) ?? { note: s.note, modules: new Set<string>() };
      entry.modules.add(e.module.startsWith('@') ? e.module : e.module.split(/[./]/)[0]!);
      systems.set(s.id, entry);
    }
  }
  const externalId = (id: string) => (componentIds.has(id) ? `${id}-api` : id);
  const externals = [...systems]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([id, s]) => ({ id: externalId(id), imports: [...s.modules].sort(), note: s.note }));

  // workflows: only chains the imports link, proposed in comments
  const workflows = proposeWorkflows(graph, layout.components, (m) => {
    const s = systemOf(m);
    return s ? externalId(s.id) : undefined;
  });

  // requirement sources: only globs over files that define ids
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
    components: layout.components,
    ...(layout.left ? { componentsLeft: layout.left } : {}),
    externals,
    workflows,
    requirementSources: [...sources].sort(),
    requirements: req.definitions.length,
    requirementFilesSearched: md.length,
    ...(pytestFlags.length ? { pytestFlags } : {}),
  };
}
