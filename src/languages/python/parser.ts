import Parser from 'tree-sitter';
import Python from 'tree-sitter-python';

let parser: Parser | undefined;

/** The one tree-sitter parser for Python, created on first use (loading the grammar costs time). */
export function getPythonParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Python as unknown as Parser.Language);
  }
  return parser;
}

/** Parses Python source with a buffer large enough for big files (tree-sitter's default is 32 kB chunks). */
export function parsePython(source: string): Parser.Tree {
  return getPythonParser().parse(source, undefined, { bufferSize: Math.max(64 * 1024, source.length * 2 + 1024) });
}
