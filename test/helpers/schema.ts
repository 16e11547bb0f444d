import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const root = path.resolve(import.meta.dirname, '../..');

/** Validates `data` against a published schema in schemas/; returns the error text or ''. */
export function validateAgainst(schemaFile: string, data: unknown): string {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const schema = JSON.parse(readFileSync(path.join(root, 'schemas', schemaFile), 'utf8'));
  const validate = ajv.compile(schema);
  return validate(data) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}
