import { z } from 'zod';
import { configSchema } from './schema.js';

/**
 * The published JSON Schema of seams.yaml (schemas/seams.config.schema.json), generated from the
 * zod schema so editor completion always matches validation. `npm run schemas` writes it; a test
 * checks the committed file is up to date.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/seams/seams/schemas/seams.config.schema.json',
    title: 'seams.yaml',
    description: 'Configuration of seams: tiers, components, workflows, requirements, targets, services, scenarios, gates, coverage, notify, history, runners, scan. Every key is optional.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
