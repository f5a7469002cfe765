// What a package README promises a user, read from the README itself: the install lines
// (`npm i ...` in ```sh blocks; all of them together) and the examples (```ts / ```js blocks). The rehearsal installs
// exactly the install line from the registry and runs the examples as written.
//
// A comment on the line before a block changes what the rehearsal does with it, always with a reason:
//   <!-- example: typecheck-only — needs the Planetoid files -->   type-checked, not run
//   <!-- example: skip — a test file inside a backend package -->  neither
//   <!-- example: continues -->   appended to the previous example (it uses its names)
import ts from 'typescript';

/** The modes a README example can have. */
export const MODES = ['run', 'typecheck-only', 'skip'];

/**
 * The fenced blocks of a markdown text: {lang, code, line, directive}. `line` is the 1-based line
 * of the opening fence; `directive` the `<!-- example: ... -->` comment just before it, if any.
 */
export function fencedBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const directive = before >= 0 ? /^<!--\s*example:\s*(.*?)\s*-->$/.exec(lines[before].trim())?.[1] : undefined;
    blocks.push({ lang: open[1], code: lines.slice(i + 1, end).join('\n'), line: i + 1, directive });
    i = end;
  }
  return blocks;
}

/** Parses a directive: {mode, reason} or {continues: true}; throws with the reason it is malformed. */
export function parseDirective(text) {
  if (text === 'continues') return { continues: true };
  const m = /^(typecheck-only|skip)\s*(?:—|--|-|:)\s*(\S.*)$/.exec(text);
  if (!m) throw new Error(`"<!-- example: ${text} -->" is not "typecheck-only — reason", "skip — reason" or "continues"`);
  return { mode: m[1], reason: m[2] };
}

/** The package names an `npm i` command installs (flags and their values left out). */
export function installedNames(command) {
  const words = command.trim().split(/\s+/);
  const at = words.findIndex((w, i) => w === 'npm' && /^(i|install|add)$/.test(words[i + 1] ?? ''));
  if (at < 0) return undefined;
  return words.slice(at + 2).filter((w) => !w.startsWith('-'));
}

/** The bare package name of an import specifier: `@lec/cnn/mnist-digits` → `@lec/cnn`; `node:fs` → undefined. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The module specifiers a piece of TypeScript imports (static and dynamic imports). */
export function importsOf(code) {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Whether code awaits outside any function (top-level await: it can only run as an ES module). */
export function hasTopLevelAwait(code) {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  let found = false;
  const visit = (node) => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) found = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return found;
}

/**
 * Reads a README: its install line and its examples.
 * @param {string} markdown the README text
 * @returns {{ install: string[] | undefined, installLine: number | undefined, examples: {line: number, code: string, mode: string, reason?: string, imports: string[], topLevelAwait: boolean}[], problems: string[] }}
 */
export function readmeExamples(markdown) {
  const problems = [];
  let install;
  let installLine;
  const examples = [];
  for (const block of fencedBlocks(markdown)) {
    if (/^(sh|bash|shell|console)$/.test(block.lang)) {
      for (const line of block.code.split('\n')) {
        const names = installedNames(line.replace(/#.*$/, ''));
        if (!names?.length) continue;
        install = [...new Set([...(install ?? []), ...names])];
        installLine ??= block.line;
      }
      continue;
    }
    if (!/^(ts|typescript|js|javascript|mjs)$/.test(block.lang)) continue;
    let directive = { mode: 'run' };
    if (block.directive !== undefined) {
      try {
        directive = { mode: 'run', ...parseDirective(block.directive) };
      } catch (error) {
        problems.push(`line ${block.line}: ${error.message}`);
        continue;
      }
    }
    if (directive.continues) {
      const previous = examples.at(-1);
      if (!previous) {
        problems.push(`line ${block.line}: "<!-- example: continues -->" but no example before it`);
        continue;
      }
      previous.code = `${previous.code}\n\n// README line ${block.line}\n${block.code}`;
      previous.lines.push(block.line);
      continue;
    }
    examples.push({ line: block.line, lines: [block.line], code: block.code, mode: directive.mode, reason: directive.reason });
  }
  for (const e of examples) {
    e.imports = importsOf(e.code);
    e.topLevelAwait = hasTopLevelAwait(e.code);
  }
  if (examples.some((e) => e.topLevelAwait) && !/"type": "module"|ES module/.test(markdown)) {
    problems.push('examples use top-level await but the README does not say they must run as an ES module ("type": "module" or .mjs)');
  }
  if (!install) problems.push('no install line (`npm i ...` in a ```sh block)');
  else {
    const needed = new Set(examples.filter((e) => e.mode !== 'skip').flatMap((e) => e.imports.map(packageOf).filter(Boolean)));
    const missing = [...needed].filter((name) => !install.some((spec) => spec === name || spec.startsWith(`${name}@`)));
    if (missing.length)
      problems.push(`examples import ${missing.join(', ')}, which no install line (npm i, first at line ${installLine}) installs`);
  }
  return { install, installLine, examples, problems };
}

/**
 * Compiles an example to JavaScript: `esm` keeps the imports, `cjs` turns them into require().
 * Throws on syntax errors (type errors are tsc's job).
 */
export function transpileExample(code, format) {
  const out = ts.transpileModule(code, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: format === 'cjs' ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
      esModuleInterop: true,
      verbatimModuleSyntax: false,
    },
    reportDiagnostics: true,
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, '\n'));
  return out.outputText;
}
