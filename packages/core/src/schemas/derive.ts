import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { ReadonlyDeep } from 'type-fest';

/**
 * The TypeScript type of the JSON a schema accepts, read-only all the way down. Every shape core
 * validates with ajv (study, suite, result record, training line, replication.json) takes its type
 * from its schema this way, so a field exists in both or in neither: adding one to the schema adds
 * it to the type, and code that sets a field the schema lacks no longer type-checks.
 *
 * Limits of the derivation, by design: `pattern`, `minimum` and `format` narrow nothing (a string
 * is a string), and 2020-12 tuples (`prefixItems`) are not read, so a pair is `readonly number[]`.
 */
export type SchemaType<S extends JSONSchema> = ReadonlyDeep<FromSchema<S>>;
