/**
 * Loading mapping files: read YAML with positions, check against the JSON Schema, compile.
 * Any problem becomes one MappingFileError with file, line, column and field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { compileMapping, type CompiledMapping } from './compile.js';
import { MappingFileError, MappingProblem } from './errors.js';
import { checkSchema } from './schema.js';
import { fieldLabel, isYamlProblem, readYaml, type YamlSource } from './yaml.js';

/** Reads and compiles one mapping file. Throws MappingFileError. */
export function loadMappingFile(path: string): CompiledMapping {
  const absolute = resolvePath(path);
  const shown = displayPath(absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    throw new MappingFileError(shown, 1, 1, '', `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return compileMappingText(text, absolute, shown);
}

/** Compiles mapping YAML held in memory; `file` is used in messages and as CompiledMapping.file. */
export function compileMappingText(text: string, file = '', shown = file === '' ? '<mapping>' : displayPath(file)): CompiledMapping {
  const source = readYaml(text);
  if (isYamlProblem(source)) throw new MappingFileError(shown, source.line, source.column, '', source.message);

  const checked = checkSchema(source.data);
  if (!checked.ok) throw toFileError(firstInFile(checked.problems, source), source, shown);
  try {
    return compileMapping(checked.doc, file);
  } catch (err) {
    if (err instanceof MappingProblem) throw toFileError(err, source, shown);
    throw err;
  }
}

/**
 * Every *.yaml / *.yml below `dir`, by mapping name. Files are read in a stable (sorted) order;
 * the first broken file, or a name used twice, stops the load.
 */
export function loadMappings(dir: string): Map<string, CompiledMapping> {
  const mappings = new Map<string, CompiledMapping>();
  let files: string[];
  try {
    files = listYaml(resolvePath(dir));
  } catch (err) {
    throw new MappingFileError(displayPath(resolvePath(dir)), 1, 1, '', `cannot read the mappings folder (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  for (const file of files) {
    const mapping = loadMappingFile(file);
    const earlier = mappings.get(mapping.name);
    if (earlier) {
      const source = readYaml(readFileSync(file, 'utf8'));
      const where = isYamlProblem(source) ? { line: 1, column: 1 } : source.locate(['mapping']);
      throw new MappingFileError(displayPath(file), where.line, where.column, 'mapping', `mapping name '${mapping.name}' is already used by ${displayPath(earlier.file)}`);
    }
    mappings.set(mapping.name, mapping);
  }
  return mappings;
}

function listYaml(dir: string): string[] {
  const found: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listYaml(full));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(full);
  }
  return found;
}

/**
 * The problem to report: the earliest in the file, judged by the node it is about (an unknown key
 * counts at its map). About one node, a misspelt key explains more than what is then missing
 * ("unknown key 'lenght'" rather than "missing required key 'length'"), and deeper is more specific.
 */
function firstInFile(problems: MappingProblem[], source: YamlSource): MappingProblem {
  const position = (p: MappingProblem): number => {
    const { line, column } = source.locate(p.atKey ? p.at.slice(0, -1) : p.at);
    return line * 100000 + column;
  };
  const ranked = problems.map((p) => ({ p, pos: position(p) }));
  ranked.sort((a, b) => a.pos - b.pos || Number(b.p.atKey) - Number(a.p.atKey) || b.p.at.length - a.p.at.length);
  return ranked[0]!.p;
}

function toFileError(problem: MappingProblem, source: YamlSource, shown: string): MappingFileError {
  const { line, column } = source.locate(problem.at, problem.atKey);
  return new MappingFileError(shown, line, column, fieldLabel(problem.at), problem.message);
}

/** Relative to the working directory when inside it (as people type it), absolute otherwise. */
function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}
