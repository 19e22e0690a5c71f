/** The mapping engine's public face: load mapping files, run them, try them from the command line. */
export type { CompiledMapping, MappingContext, MappingResult, RouteMapping } from './compile.js';
export { compileMapping } from './compile.js';
export { MappingFileError, MappingRunError, type RunErrorReason } from './errors.js';
export { compileMappingText, loadMappingFile, loadMappings } from './load.js';
export { runMapCommand } from './cli.js';
export type { MappingDocument } from './types.js';
