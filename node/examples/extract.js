// Structured extraction: a JSON Schema (or a zod schema when zod is installed) in, a validated object out.
// Run: node node/examples/extract.js "Ada Lovelace was born in 1815 in London."
const { extract } = require('..')

const person = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    born: { type: 'integer', description: 'year of birth' },
    city: { type: 'string' },
  },
  required: ['name'],
}

extract(process.env.ALITH_MODEL || 'local:gemma3-270m', person, process.argv[2] || 'Ada Lovelace was born in 1815 in London.')
  .then((value) => console.log(value))
  .catch((e) => {
    console.error(`${e.name} (${e.code}): ${e.message}`)
    process.exit(1)
  })
