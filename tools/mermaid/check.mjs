// Checks Mermaid text with Mermaid's own parser (mermaid.parse), under Node.
//
//   node tools/mermaid/check.mjs [--type PREFIX] FILE...   ("-" reads stdin)
//       prints "ok FILE" or "error FILE: MESSAGE" per input; exit 1 if any failed
//   node tools/mermaid/check.mjs [--type PREFIX] --json
//       reads a JSON array of strings on stdin, writes a JSON array with null
//       (accepted) or the error message for each; exit 1 if any failed
//
// --type PREFIX also rejects text whose detected diagram type does not start
// with PREFIX (e.g. "flowchart"). Exit 2 is a usage or set-up error.
//
// mermaid.parse checks syntax and builds the diagram's database (node ids,
// edges, subgraphs, the 500-edge limit) but lays nothing out and draws nothing.
// It does not apply maxTextSize either: render() swaps a diagram longer than
// that (50,000 characters by default, not settable from inside the diagram)
// for an error box, so this script reports that as an error too.
//
// Mermaid runs every label through DOMPurify while parsing, and DOMPurify
// needs a DOM: jsdom's window is made global as `window` before mermaid is
// imported. `document` is deliberately left undefined, so that mermaid does
// not hook the page's load event to start rendering.

import { readFileSync } from 'node:fs';

const MAX_TEXT_SIZE = 50000; // mermaid's default maxTextSize

function usage(message) {
  process.stderr.write(`check.mjs: ${message}\n`);
  process.stderr.write('usage: node check.mjs [--type PREFIX] (FILE... | - | --json)\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let typePrefix = null;
let jsonMode = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--type') {
    typePrefix = args[++i];
    if (!typePrefix) usage('--type needs a value');
  } else if (arg === '--json') {
    jsonMode = true;
  } else if (arg.startsWith('--')) {
    usage(`unknown option ${arg}`);
  } else {
    files.push(arg);
  }
}
if (jsonMode === (files.length > 0)) usage('give FILE arguments or --json, not both');

// Anything mermaid or jsdom prints goes to stderr, keeping stdout for results.
for (const name of ['log', 'info', 'warn', 'debug', 'trace']) {
  console[name] = (...parts) => process.stderr.write(parts.join(' ') + '\n');
}

const { JSDOM } = await import('jsdom');
globalThis.window = new JSDOM('<!DOCTYPE html><html><body></body></html>').window;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, logLevel: 'fatal' });

/** Returns null when mermaid accepts text, else a message. */
async function check(text) {
  let result;
  try {
    result = await mermaid.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.trim() || String(error);
  }
  if (typePrefix !== null && !result.diagramType.startsWith(typePrefix)) {
    return `diagram type is ${result.diagramType}, not ${typePrefix}`;
  }
  if (text.length > MAX_TEXT_SIZE) {
    return (
      `text is ${text.length} characters, over mermaid's default maxTextSize ` +
      `${MAX_TEXT_SIZE}: render() would show "Maximum text size in diagram exceeded"`
    );
  }
  return null;
}

function readInput(file) {
  return readFileSync(file === '-' ? 0 : file, 'utf8');
}

let failed = false;
if (jsonMode) {
  let texts;
  try {
    texts = JSON.parse(readInput('-'));
  } catch (error) {
    usage(`stdin is not JSON: ${error.message}`);
  }
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) {
    usage('stdin must be a JSON array of strings');
  }
  const results = [];
  for (const text of texts) {
    const message = await check(text);
    failed ||= message !== null;
    results.push(message);
  }
  process.stdout.write(JSON.stringify(results) + '\n');
} else {
  for (const file of files) {
    let message;
    try {
      message = await check(readInput(file));
    } catch (error) {
      message = `cannot read: ${error.message}`; // an unreadable file
    }
    if (message === null) {
      process.stdout.write(`ok ${file}\n`);
    } else {
      failed = true;
      process.stdout.write(`error ${file}: ${message.replace(/\n/g, '\n    ')}\n`);
    }
  }
}
process.exitCode = failed ? 1 : 0;
