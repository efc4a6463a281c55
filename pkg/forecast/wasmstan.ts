import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import * as prophetModule from '@bsull/augurs/prophet';

/**
 * Synchronous loading of Prophet for Node, jest and tsx.
 *
 * Prophet in `@bsull/augurs` needs an optimizer: `@bsull/augurs-prophet-wasmstan`, Prophet's Stan model
 * compiled to a WebAssembly *component* by jco. Its JS glue is an ES module that instantiates the component
 * with a top-level `await` (so neither `require()` nor jest's CommonJS transform can load it) and imports the
 * WASI preview2 shim. The glue's instantiation is already a generator that merely yields promises from
 * `WebAssembly.compile`/`instantiate`; here we read that glue, swap those calls for their synchronous
 * equivalents (`new WebAssembly.Module` / `new WebAssembly.Instance`), drive the generator synchronously and
 * evaluate it as a function. Each rewrite is checked to match exactly; a different package version whose glue
 * no longer matches fails loudly with the name of the rewrite that missed.
 *
 * The WASI shim (`@bytecodealliance/preview2-shim`, ES modules) is loaded with Node's own `require`
 * (Node >= 20.19 can `require` ES modules), fetched through `process.getBuiltinModule` so that jest's module
 * registry, which would not transform it, is bypassed.
 */

/** The optimizer object `@bsull/augurs`' `Prophet` expects (`{ optimize(init, data, opts) }`). */
export type ProphetOptimizer = prophetModule.ProphetOptions['optimizer'];

let optimizer: ProphetOptimizer | undefined;
let prophetReady = false;

/**
 * Node's real `createRequire`, not a test runner's wrapper: jest replaces `require`, `node:module` and even
 * `process.getBuiltinModule` inside its sandbox, so take `process` from Node's main context.
 */
function nativeCreateRequire(): (filename: string) => NodeJS.Require {
  const realProcess = vm.runInThisContext('process') as { getBuiltinModule?: (id: string) => unknown };
  if (typeof realProcess.getBuiltinModule !== 'function') {
    throw new Error('loading Prophet needs Node >= 20.16 (process.getBuiltinModule)');
  }
  return (realProcess.getBuiltinModule('node:module') as typeof import('node:module')).createRequire;
}

/**
 * The Prophet Stan optimizer from `@bsull/augurs-prophet-wasmstan`, instantiated synchronously once per process.
 * @throws Error when the package is missing or its glue code is not the version this loader understands
 */
export function loadProphetOptimizer(): ProphetOptimizer {
  if (optimizer) return optimizer;
  const createRequire = nativeCreateRequire();
  const here = createRequire(__filename);
  const file = here.resolve('@bsull/augurs-prophet-wasmstan');
  let src = readFileSync(file, 'utf8');
  const rewrite = (from: string, to: string, count = 1): void => {
    const parts = src.split(from);
    if (parts.length - 1 !== count) {
      throw new Error(
        `cannot load ${file} synchronously: expected ${count} occurrence(s) of "${from}", found ${parts.length - 1} (unsupported @bsull/augurs-prophet-wasmstan version)`
      );
    }
    src = parts.join(to);
  };
  let imports = 0;
  src = src.replace(
    /^import \{([^}]*)\} from '@bytecodealliance\/preview2-shim\/(\w+)';$/gm,
    (_m, names: string, mod: string) => {
      imports++;
      return `const {${names.replace(/ as /g, ': ')}} = __shim('${mod}');`;
    }
  );
  if (imports === 0 || /^import /m.test(src)) {
    throw new Error(`cannot load ${file} synchronously: unexpected import statements (unsupported version)`);
  }
  rewrite(
    'const instantiateCore = WebAssembly.instantiate;',
    'const instantiateCore = (m, i) => new WebAssembly.Instance(m, i);'
  );
  rewrite('const base64Compile = str => WebAssembly.compile(', 'const base64Compile = str => new WebAssembly.Module(');
  rewrite('fetchCompile(new URL(', '__compileFile(new URL(', 2);
  rewrite('import.meta.url', '__moduleUrl', 2);
  rewrite('return Promise.resolve(function step(v) {', 'return (function step(v) {');
  rewrite('return res.value.then(step);', 'return step(res.value);');
  rewrite('await $init;', '$init;');
  rewrite("export { optimizer, optimizer as 'augurs:prophet-wasmstan/optimizer',  }", 'return optimizer;');

  // Node's global WebAssembly (typed here without the DOM lib)
  const wasmApi = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => unknown } })
    .WebAssembly;
  const shimRequire = createRequire(file);
  // `new Function` (not vm.compileFunction) so the glue's objects belong to the caller's realm: under jest the
  // sandbox's `Object` differs from Node's, and wasm-bindgen rejects objects from another realm.
  const init = new Function(
    '__shim',
    '__compileFile',
    '__moduleUrl',
    `"use strict";\n${src}\n//# sourceURL=${file}`
  ) as (shim: (name: string) => unknown, compileFile: (url: URL) => unknown, moduleUrl: string) => ProphetOptimizer;
  const loaded = init(
    (name) => shimRequire(`@bytecodealliance/preview2-shim/${name}`),
    (url) => new wasmApi.Module(readFileSync(fileURLToPath(url))),
    pathToFileURL(file).href
  );
  if (!loaded || typeof loaded.optimize !== 'function') {
    throw new Error(`cannot load ${file}: it did not yield an optimizer with an optimize() function`);
  }
  optimizer = loaded;
  return optimizer;
}

/**
 * The `@bsull/augurs` prophet module, its WASM initialised synchronously once per process.
 * @throws Error when the package's .wasm file cannot be found (a broken install)
 */
export function loadProphetModule(): typeof prophetModule {
  if (!prophetReady) {
    const wasm = path.join(path.dirname(require.resolve('@bsull/augurs/prophet')), 'prophet_bg.wasm');
    prophetModule.initSync({ module: readFileSync(wasm) });
    prophetReady = true;
  }
  return prophetModule;
}
