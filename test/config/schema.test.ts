import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchemaText } from '../../src/config/json-schema.js';
import { validateAgainst } from '../helpers/schema.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('published seams.yaml JSON Schema', () => {
  it('is generated from the zod schema and up to date (npm run schemas)', () => {
    const committed = readFileSync(path.join(root, 'schemas/seams.config.schema.json'), 'utf8');
    expect(committed).toBe(configJsonSchemaText());
  });

  it('accepts the bundled example and rejects a typo', () => {
    const example = parse(readFileSync(path.join(root, 'examples/platform/seams.yaml'), 'utf8'));
    expect(validateAgainst('seams.config.schema.json', example)).toBe('');
    expect(validateAgainst('seams.config.schema.json', { workflows: { a: { chian: ['x'] } } })).toMatch(/chain|additional/);
  });
});
