'use strict'
// Structured extraction with JSON Schema and zod, on a scripted model.
const test = require('node:test')
const assert = require('node:assert/strict')
const { z } = require('zod')
const { Extractor, extract, ScriptedModel, SchemaError } = require('..')

const person = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name'],
  additionalProperties: false,
}

test('extracts an object that validates against a JSON Schema', async () => {
  const model = new ScriptedModel().pushText('{"name": "Ada", "age": 36}')
  const value = await extract(model, person, 'Ada Lovelace, 36')
  assert.deepEqual(value, { name: 'Ada', age: 36 })
})

test('a reply that does not validate is repaired once, then SchemaError', async () => {
  const model = new ScriptedModel().pushText('{"age": "old"}').pushText('{"name": "Ada"}')
  assert.deepEqual(await new Extractor(model, person).extract('Ada'), { name: 'Ada' })
  const bad = new ScriptedModel().pushText('not json').pushText('{"age": 1}')
  await assert.rejects(extract(bad, person, 'x'), (e) => e instanceof SchemaError && e.code === 'schema')
})

test('zod schemas: converted for the model, and the value parsed by zod', async () => {
  const schema = z.object({ city: z.string(), days: z.number().int().default(1) })
  const model = new ScriptedModel().pushText('{"city": "Oslo"}')
  const extractor = new Extractor(model, schema)
  assert.equal(extractor.schema.type, 'object')
  assert.deepEqual(await extractor.extract('Oslo'), { city: 'Oslo', days: 1 })
})

test('the tool-call mode reads the forced call\'s arguments', async () => {
  const model = new ScriptedModel().pushToolCall('extract', { name: 'Grace', age: 85 })
  const value = await extract(model, person, 'Grace Hopper', { mode: 'toolCall' })
  assert.deepEqual(value, { name: 'Grace', age: 85 })
})
