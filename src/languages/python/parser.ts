import Parser from 'tree-sitter';
import Python from 'tree-sitter-python';
import { flattenTree, PyTree, type PyTreeData } from './tree.js';
import { LIMITS } from '../../util/limits.js';

/** A source past a limit of docs/limits.md (not parsed); its message is the reason given for the file. */
export class PythonLimitError extends Error {
  override name = 'limit';
}

let parser: Parser | undefined;

/** The one tree-sitter parser for Python, created on first use (loading the grammar costs time). */
export function getPythonParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Python as unknown as Parser.Language);
  }
  return parser;
}

/**
 * Parses Python source, handing tree-sitter the whole text in one read: the binding copies the
 * string into a buffer of `bufferSize` UTF-16 units (zero-filled first, plus a terminating NUL),
 * so the exact length avoids both repeated reads and clearing a larger buffer for every file.
 */
export function parsePython(source: string): Parser.Tree {
  // the same time limit as parsePythonData (docs/limits.md): past it, PythonLimitError
  const deadline = performance.now() + LIMITS.pythonParseMs;
  const tree = getPythonParser().parse(source, undefined, { bufferSize: source.length + 1, progressCallback: () => performance.now() > deadline });
  if (!tree) throw new PythonLimitError(`parsing took longer than ${LIMITS.pythonParseMs / 1000} s (the limit of docs/limits.md); not parsed`);
  return tree;
}

/**
 * Parses Python source into flat arrays (see tree.ts): the native tree is walked once with a
 * cursor and dropped. Plain data, transferable between threads.
 */
export function parsePythonData(source: string): PyTreeData {
  // tree-sitter's error recovery is super-linear on some garbage (64 kB of `f(<<<…` took 4 s): a
  // parse that runs past the time limit stops, and the file is refused (PythonLimitError)
  const deadline = performance.now() + LIMITS.pythonParseMs;
  const tree = getPythonParser().parse(source, undefined, { bufferSize: source.length + 1, progressCallback: () => performance.now() > deadline });
  if (!tree) throw new PythonLimitError(`parsing took longer than ${LIMITS.pythonParseMs / 1000} s (the limit of docs/limits.md); not parsed`);
  return flattenTree(tree, source, Python);
}

/** Parses Python source into a `PyTree` of light nodes (the fast way to read a parse tree). */
export function parsePythonTree(source: string): PyTree {
  return new PyTree(parsePythonData(source));
}
