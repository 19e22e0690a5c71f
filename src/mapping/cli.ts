/**
 * `knooppunt map <mapping-file-or-name> <input-file> [--mappings dir]`: try a mapping on a file.
 *
 * Exit codes: 0 mapped; 1 the input could not be mapped (unreadable, not JSON/XML, or a
 * MappingRunError); 2 wrong usage (arguments, unknown mapping name, missing file);
 * 3 a mapping file is broken (MappingFileError with file:line:column field).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { projectRoot } from '../util/paths.js';
import type { CompiledMapping } from './compile.js';
import { MappingFileError, MappingRunError } from './errors.js';
import { loadMappingFile, loadMappings } from './load.js';

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_MAPPING = 3;

const USAGE = `usage: knooppunt map <mapping-file-or-name> <input-file> [--mappings <dir>]

Runs a mapping on one input file and prints the result (indented JSON or XML).
  <mapping-file-or-name>  a .yaml file, or the name of a mapping in the mappings folder
  <input-file>            JSON for a json-source mapping, XML for an xml-source mapping
  --mappings <dir>        where to look for mapping names (default: KNOOPPUNT_MAPPINGS_DIR or ./mappings)
`;

/** `argv` is what follows `knooppunt map` (a leading `map` is tolerated). Returns the exit code; throws only on a bug. */
export async function runMapCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const args = argv[0] === 'map' ? argv.slice(1) : [...argv];
  const positional: string[] = [];
  let mappingsDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      out.write(USAGE);
      return EXIT_OK;
    } else if (arg === '--mappings') {
      mappingsDir = args[++i];
      if (mappingsDir === undefined) return usage(err, '--mappings needs a folder');
    } else if (arg.startsWith('--mappings=')) {
      mappingsDir = arg.slice('--mappings='.length);
    } else if (arg.startsWith('-')) {
      return usage(err, `unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) return usage(err, 'expected a mapping and an input file');
  const [mappingRef, inputFile] = positional as [string, string];

  // Paths are checked before anything is read: no `../../etc/passwd` as a mapping or an input.
  const outside = (file: string) => outsideAllowed(file, mappingsDir);
  let mapping: CompiledMapping;
  try {
    if (/\.ya?ml$/i.test(mappingRef) || mappingRef.includes('/') || mappingRef.includes('\\')) {
      if (!/\.ya?ml$/i.test(mappingRef)) return usage(err, `refusing mapping '${printable(mappingRef)}': a mapping is a name (letters, digits, - _ .) or a .yaml file`);
      if (outside(mappingRef)) return usage(err, `refusing mapping file ${printable(mappingRef)}: it is outside the project, the working directory and the mappings folder`);
      if (!existsSync(mappingRef)) return usage(err, `mapping file ${mappingRef} does not exist`);
      mapping = loadMappingFile(mappingRef);
    } else {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(mappingRef)) return usage(err, `refusing mapping '${printable(mappingRef)}': a mapping name has only letters, digits, - _ .`);
      const dir = mappingsDir ?? process.env.KNOOPPUNT_MAPPINGS_DIR ?? join(projectRoot(), 'mappings');
      if (!existsSync(dir)) return usage(err, `mappings folder ${dir} does not exist`);
      const found = loadMappings(dir).get(mappingRef);
      if (!found) return usage(err, `no mapping named '${mappingRef}' in ${dir}`);
      mapping = found;
    }
  } catch (e) {
    if (e instanceof MappingFileError) {
      err.write(`knooppunt map: broken mapping: ${e.message}\n`);
      return EXIT_MAPPING;
    }
    throw e;
  }

  if (outside(inputFile)) return usage(err, `refusing input file ${printable(inputFile)}: it is outside the project and the working directory`);
  let raw: Buffer;
  try {
    raw = readFileSync(inputFile);
  } catch (e) {
    return usage(err, `cannot read input file ${inputFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let input: unknown = raw;
  if (mapping.sourceFormat === 'json') {
    try {
      input = JSON.parse(raw.toString('utf8'));
    } catch {
      err.write(`knooppunt map: ${inputFile} is not valid JSON\n`);
      return EXIT_INPUT;
    }
  }

  try {
    const result = mapping.run(input);
    const text = mapping.serialize(result.output, true).toString('utf8');
    out.write(text.endsWith('\n') ? text : `${text}\n`);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof MappingRunError) {
      err.write(`knooppunt map: ${e.message}\n`);
      return EXIT_INPUT;
    }
    throw e;
  }
}

/**
 * Whether a file lies outside every folder the CLI reads from: the project, the working directory,
 * the mappings folder and the system's temporary folder (scratch inputs). Symbolic links are
 * followed, so a link inside the project cannot point out of it. A file that does not exist is
 * judged by its path (and then reported as missing).
 */
function outsideAllowed(file: string, mappingsDir: string | undefined): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const target = real(file);
  const roots = [projectRoot(), process.cwd(), tmpdir(), ...(mappingsDir ? [mappingsDir] : []), ...(process.env.KNOOPPUNT_MAPPINGS_DIR ? [process.env.KNOOPPUNT_MAPPINGS_DIR] : [])];
  return !roots.some((root) => {
    const rel = relative(real(root), target);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** A name as given, shortened and without control characters, for an error message. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200);
}

function usage(err: NodeJS.WritableStream, problem: string): number {
  err.write(`knooppunt map: ${problem}\n${USAGE}`);
  return EXIT_USAGE;
}
