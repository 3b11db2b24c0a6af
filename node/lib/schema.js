'use strict'
// Tool parameters and extraction schemas: JSON Schema objects as they are, or zod schemas (zod is optional and
// never required here; zod 4's own toJSONSchema converts them).

function isZod(schema) {
  return !!schema && typeof schema === 'object' && (schema._zod !== undefined || schema._def !== undefined) &&
    typeof schema.safeParse === 'function'
}

function zodToJsonSchema(schema) {
  let z
  try {
    z = require('zod')
  } catch {
    throw new TypeError('alith: a zod schema was given but zod cannot be loaded')
  }
  const convert = z.toJSONSchema || (z.z && z.z.toJSONSchema)
  if (typeof convert !== 'function') {
    throw new TypeError('alith: converting zod schemas needs zod 4 (z.toJSONSchema); pass a JSON Schema instead')
  }
  const json = convert(schema, { target: 'draft-7', io: 'input' })
  delete json.$schema
  return json
}

/** A JSON Schema object for a JSON Schema, a zod schema, or nothing (an object with no properties). */
function toJsonSchema(schema) {
  if (schema === undefined || schema === null) return { type: 'object', properties: {} }
  if (isZod(schema)) return zodToJsonSchema(schema)
  if (typeof schema !== 'object' || Array.isArray(schema)) {
    throw new TypeError('alith: a schema must be a JSON Schema object or a zod schema')
  }
  return schema
}

/** Validates value with a zod schema (returns the parsed value); JSON Schemas were validated natively. */
function parseWith(schema, value) {
  return isZod(schema) ? schema.parse(value) : value
}

module.exports = { isZod, toJsonSchema, parseWith }
