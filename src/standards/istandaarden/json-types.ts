/**
 * The JSON message types of iJw/iWmo (the back-office JSON of every bericht), with their JSON
 * Schemas generated from the structure model and the code lists in use (src/codelijsten/), not
 * read from schemas/istandaarden/json/: so validation and the OpenAPI document follow a code-list
 * folder without regenerated files. For the default lists the schemas equal the committed files.
 */
import { JsonMessageTypes } from '../json/message-types.js';
import { BERICHTSOORTEN } from './catalog.js';
import { generateJsonSchema } from './schema/generate-json-schema.js';

export function istandaardenJsonTypes(): JsonMessageTypes {
  return new JsonMessageTypes(
    [...BERICHTSOORTEN.keys()].map((n) => {
      const { slug, schema } = generateJsonSchema(n);
      return { name: slug, schema };
    }),
  );
}
