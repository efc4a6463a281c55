/**
 * Online log template mining: each message is assigned, as it arrives, to a template (its constant text with
 * variables written `<*>`), and templates generalise as messages come in.
 *
 * Method (a member of the Drain family):
 *
 * - Drain (He, Zhu, Zheng & Lyu, "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017):
 *   messages are masked (see `masking.ts`), routed by a fixed-depth tree (token count, then the first `depth`
 *   tokens; tokens with digits and identifiers go to a `<*>` branch, and a node holds at most `maxChildren`
 *   branches), and join the cluster of the leaf with the highest sequence similarity (share of equal tokens,
 *   ties to the cluster with more parameters) when it reaches `similarity`; the template then turns the
 *   positions that differ into `<*>`. Here a masked value matching a `<*>` position counts as equal, as Drain3's
 *   `include_params` option does (logpai/Drain3).
 * - Constants that vary a little: a position whose values are words (or key=value shapes) keeps them apart as
 *   separate templates until it has seen `valueCardinality` distinct values; from then on it is a variable.
 *   This is Brain's observation (Yu, He, Chen & Wu, "Brain: Log Parsing with Bidirectional Parallel Tree",
 *   IEEE TSC 2023) that a column with few distinct tokens holds constants and one with many holds variables,
 *   applied online per position. `VM Started` and `VM Stopped` stay two templates; user names do not.
 * - Variables of varying length: a message that matches no cluster of its own length is aligned (longest
 *   common subsequence, as in Spell: Du & Li, ICDM 2016) to clusters with the same first token whose length
 *   differs by at most `maxLengthDifference`; tokens left out on either side must be variables.
 *
 * Templates are written with the constant parts of varying tokens kept (`rhost=<*>`, `blk_<*>`) and each
 * position's text as first seen while it does not vary.
 *
 * The miner is deterministic (the same messages in the same order give the same templates and ids), holds no
 * clock, and its whole state serialises to JSON (`toJSON`, `TemplateMiner.fromJSON`) so templates persist with a
 * job.
 */

import { ParameterError } from '../core/errors';
import { alignToTemplate } from './alignment';
import { compileMaskingRules, DEFAULT_MASKING, WILDCARD, type MaskingRule, type MaskingRuleSpec } from './masking';
import { generalizeShape } from './shape';
import { prepareMessage, tokenType, type PreparedMessage } from './tokens';

/** Options of the miner; every field has a default (`TEMPLATE_MINER_DEFAULTS`). */
export interface TemplateMinerOptions {
  /** share of equal tokens (0-1) a message needs to join a cluster (Drain's st); default 0.6 */
  similarity: number;
  /** distinct values after which a position of words is a variable rather than a split; default 4 */
  valueCardinality: number;
  /** leading tokens that route a message in the tree (Drain's depth minus 2); default 1 */
  depth: number;
  /** branches per tree node before further tokens share the `<*>` branch; default 100 */
  maxChildren: number;
  /** largest token-count difference a variable-length alignment accepts; default 8 (0 disables it) */
  maxLengthDifference: number;
  /** clusters kept; messages that match none once this many exist count as `overflow`; default 20000 */
  maxClusters: number;
  /** masking rules (default: `DEFAULT_MASKING_SPECS`) */
  masking?: MaskingRuleSpec[];
}

export const TEMPLATE_MINER_DEFAULTS: Readonly<TemplateMinerOptions> = {
  similarity: 0.6,
  valueCardinality: 4,
  depth: 1,
  maxChildren: 100,
  maxLengthDifference: 8,
  maxClusters: 20_000,
};

/** Where a message landed, enough to ask later which template it belongs to (`resolve`). */
export interface TemplateRef {
  cluster: number;
  /** grouping forms at the cluster's positions */
  tokens: string[];
}

/** The template of a message. */
export interface TemplateMatch {
  /** stable template id: `<cluster>` or `<cluster>.<n>` when a position splits the cluster; `overflow` */
  id: string;
  /** the template text, variables written `<*>` */
  template: string;
  /** true when this message created the template (first message with this id) */
  isNew: boolean;
  ref: TemplateRef;
}

/** A template and its counts, as listed by `templates()`. */
export interface TemplateInfo {
  id: string;
  template: string;
  /** messages assigned to it */
  count: number;
  /** epoch ms of the first and last message, when `add` was given times */
  firstSeen?: number;
  lastSeen?: number;
}

interface SplitValue {
  count: number;
  /** written form of the value (generalised over its raw forms) */
  shape: string;
}

interface TemplateEntry {
  /** split position -> value key */
  parts: Map<number, string>;
  id: number;
  count: number;
  firstSeen?: number;
  lastSeen?: number;
}

interface Cluster {
  id: number;
  /** tree path: length key then `depth` token keys */
  path: string[];
  /** tree key of the first token of the first message (indexes variable-length alignment) */
  first: string;
  tokens: string[];
  shape: string[];
  seps: string[];
  size: number;
  /** per position: the values that split it, while fewer than valueCardinality; null otherwise */
  split: (Map<string, SplitValue> | null)[];
  gaps: Set<number>;
  entries: Map<string, TemplateEntry>;
  nextEntry: number;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: number[];
}

/** Serialised miner state (plain JSON). */
export interface TemplateMinerState {
  kind: 'templateMiner';
  version: 1;
  options: TemplateMinerOptions;
  overflow: number;
  clusters: {
    id: number;
    path: string[];
    first: string;
    tokens: string[];
    shape: string[];
    seps: string[];
    size: number;
    split: ([string, SplitValue][] | null)[];
    gaps: number[];
    entries: { parts: [number, string][]; id: number; count: number; firstSeen?: number; lastSeen?: number }[];
    nextEntry: number;
  }[];
}

const OVERFLOW_ID = 'overflow';

function checkOptions(input: Partial<TemplateMinerOptions>): TemplateMinerOptions {
  const o: TemplateMinerOptions = { ...TEMPLATE_MINER_DEFAULTS, ...input };
  const num = (name: keyof TemplateMinerOptions, lo: number, hi: number, int: boolean) => {
    const v = o[name] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v))) {
      throw new ParameterError(
        `templates: ${name} must be ${int ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${JSON.stringify(v)}`
      );
    }
  };
  num('similarity', 0, 1, false);
  num('valueCardinality', 0, 1000, true);
  num('depth', 0, 10, true);
  num('maxChildren', 1, 1_000_000, true);
  num('maxLengthDifference', 0, 1000, true);
  num('maxClusters', 1, 10_000_000, true);
  return o;
}

/** Key of a template entry's parts. */
function partsKey(parts: Map<number, string>): string {
  return [...parts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([i, v]) => `${i}\u0001${v}`)
    .join('\u0000');
}

/**
 * A pure value and a shape with a value inside (`1.2.3.4,` and `LOCAL(0),`), or a value and its empty form
 * (`(host)` and `()`), are one variable, not two constants.
 */
function mixes(a: string, aShape: string, b: string, bShape: string): boolean {
  const oneWay = (x: string, xs: string, y: string, ys: string) =>
    x === WILDCARD && (y.includes(WILDCARD) || xs.replace(/<\*>/g, '') === ys);
  return oneWay(a, aShape, b, bShape) || oneWay(b, bShape, a, aShape);
}

/**
 * The online template miner. `add` assigns a message and updates the templates; `match` only looks;
 * `resolve` says which template an earlier message belongs to now; `templates` lists them.
 */
export class TemplateMiner {
  readonly options: TemplateMinerOptions;
  private readonly rules: readonly MaskingRule[];
  private readonly clusters: Cluster[] = [];
  private readonly root = new Map<string, TreeNode>();
  private readonly byFirst = new Map<string, number[]>();
  private overflow = 0;

  /**
   * @param options miner options (defaults: `TEMPLATE_MINER_DEFAULTS`, default masking)
   * @throws ParameterError for an option out of range or a masking rule that does not compile
   */
  constructor(options: Partial<TemplateMinerOptions> = {}) {
    this.options = checkOptions(options);
    this.rules = this.options.masking ? compileMaskingRules(this.options.masking) : DEFAULT_MASKING;
  }

  /** Number of clusters (templates before splits). */
  get size(): number {
    return this.clusters.length;
  }

  /**
   * Assign a message to a template, creating or generalising templates as needed.
   *
   * @param message the free-text part of a log line
   * @param time optional epoch ms of the line, recorded as the template's first/last seen
   * @returns the template the message belongs to now
   */
  add(message: string, time?: number): TemplateMatch {
    const msg = prepareMessage(message, this.rules);
    const found = this.findCluster(msg);
    let cluster: Cluster;
    let tokens = msg.tokens;
    let raw = msg.raw;
    if (found) {
      cluster = this.clusters[found.cluster];
      if (found.aligned) {
        tokens = found.aligned.tokens;
        raw = found.aligned.raw;
        for (const g of found.aligned.gaps) cluster.gaps.add(g);
      }
      this.update(cluster, tokens, raw);
    } else if (this.clusters.length >= this.options.maxClusters) {
      this.overflow++;
      return { id: OVERFLOW_ID, template: WILDCARD, isNew: this.overflow === 1, ref: { cluster: -1, tokens: [] } };
    } else {
      cluster = this.createCluster(msg);
    }
    const parts = this.partsOf(cluster, tokens);
    const key = partsKey(parts);
    let entry = cluster.entries.get(key);
    const isNew = !entry;
    if (!entry) {
      entry = { parts, id: cluster.nextEntry++, count: 0 };
      cluster.entries.set(key, entry);
    }
    entry.count++;
    if (time !== undefined && Number.isFinite(time)) {
      if (entry.firstSeen === undefined || time < entry.firstSeen) entry.firstSeen = time;
      if (entry.lastSeen === undefined || time > entry.lastSeen) entry.lastSeen = time;
    }
    const ref = { cluster: cluster.id, tokens };
    return { id: this.entryId(cluster, entry), template: this.render(cluster, entry.parts), isNew, ref };
  }

  /**
   * The template a message would get, without changing anything.
   *
   * @returns the match, or null when the message would start a new template
   */
  match(message: string): { id: string; template: string } | null {
    const msg = prepareMessage(message, this.rules);
    const found = this.findCluster(msg);
    if (!found) return null;
    const cluster = this.clusters[found.cluster];
    const tokens = found.aligned ? found.aligned.tokens : msg.tokens;
    const parts = this.partsOf(cluster, tokens);
    for (const [i, v] of parts) if (!cluster.split[i]?.has(v)) return null;
    const entry = cluster.entries.get(partsKey(parts));
    if (!entry) return null;
    return { id: this.entryId(cluster, entry), template: this.render(cluster, entry.parts) };
  }

  /**
   * The template an earlier message (its `ref`) belongs to now: templates generalise and split positions turn
   * into variables, so an early message may have moved to a broader template.
   */
  resolve(ref: TemplateRef): { id: string; template: string } {
    const cluster = this.clusters[ref.cluster];
    if (!cluster) return { id: OVERFLOW_ID, template: WILDCARD };
    const entry = cluster.entries.get(partsKey(this.partsOf(cluster, ref.tokens)));
    if (!entry) return { id: String(cluster.id), template: this.render(cluster, new Map()) };
    return { id: this.entryId(cluster, entry), template: this.render(cluster, entry.parts) };
  }

  /** Every template with its message count, most frequent first (ties by id). */
  templates(): TemplateInfo[] {
    const out: TemplateInfo[] = [];
    for (const c of this.clusters) {
      for (const e of c.entries.values()) {
        const info: TemplateInfo = { id: this.entryId(c, e), template: this.render(c, e.parts), count: e.count };
        if (e.firstSeen !== undefined) info.firstSeen = e.firstSeen;
        if (e.lastSeen !== undefined) info.lastSeen = e.lastSeen;
        out.push(info);
      }
    }
    if (this.overflow > 0) out.push({ id: OVERFLOW_ID, template: WILDCARD, count: this.overflow });
    return out.sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The whole state as plain JSON. */
  toJSON(): TemplateMinerState {
    return {
      kind: 'templateMiner',
      version: 1,
      options: { ...this.options },
      overflow: this.overflow,
      clusters: this.clusters.map((c) => ({
        id: c.id,
        path: c.path.slice(),
        first: c.first,
        tokens: c.tokens.slice(),
        shape: c.shape.slice(),
        seps: c.seps.slice(),
        size: c.size,
        split: c.split.map((m) => (m ? [...m.entries()].map(([k, v]) => [k, { ...v }] as [string, SplitValue]) : null)),
        gaps: [...c.gaps].sort((a, b) => a - b),
        entries: [...c.entries.values()].map((e) => ({
          parts: [...e.parts.entries()],
          id: e.id,
          count: e.count,
          ...(e.firstSeen !== undefined ? { firstSeen: e.firstSeen } : {}),
          ...(e.lastSeen !== undefined ? { lastSeen: e.lastSeen } : {}),
        })),
        nextEntry: c.nextEntry,
      })),
    };
  }

  /**
   * Restore a miner from `toJSON()` output (an object or its JSON text).
   *
   * @throws ParameterError when the state is not a template miner's, or is of another version
   */
  static fromJSON(state: TemplateMinerState | string): TemplateMiner {
    let s: TemplateMinerState;
    try {
      s = typeof state === 'string' ? (JSON.parse(state) as TemplateMinerState) : state;
    } catch (err) {
      throw new ParameterError(`templates: saved state is not valid JSON: ${(err as Error).message}`);
    }
    if (!s || s.kind !== 'templateMiner') throw new ParameterError('templates: saved state is not a template miner');
    if (s.version !== 1) throw new ParameterError(`templates: saved state version ${s.version} is not supported`);
    if (!Array.isArray(s.clusters)) throw new ParameterError('templates: saved state has no clusters');
    const miner = new TemplateMiner(s.options);
    miner.overflow = s.overflow ?? 0;
    s.clusters.forEach((c, idx) => {
      if (c.id !== idx || c.tokens.length !== c.shape.length || c.tokens.length !== c.split.length) {
        throw new ParameterError(`templates: saved cluster ${idx} is inconsistent`);
      }
      const cluster: Cluster = {
        id: c.id,
        path: c.path.slice(),
        first: c.first,
        tokens: c.tokens.slice(),
        shape: c.shape.slice(),
        seps: c.seps.slice(),
        size: c.size,
        split: c.split.map((m) => (m ? new Map(m.map(([k, v]) => [k, { ...v }])) : null)),
        gaps: new Set(c.gaps),
        entries: new Map(),
        nextEntry: c.nextEntry,
      };
      for (const e of c.entries) {
        const entry: TemplateEntry = { parts: new Map(e.parts), id: e.id, count: e.count };
        if (e.firstSeen !== undefined) entry.firstSeen = e.firstSeen;
        if (e.lastSeen !== undefined) entry.lastSeen = e.lastSeen;
        cluster.entries.set(partsKey(entry.parts), entry);
      }
      miner.clusters.push(cluster);
      miner.leafAt(cluster.path).clusters.push(cluster.id);
      miner.indexFirst(cluster);
    });
    return miner;
  }

  // --- internals ---------------------------------------------------------------------------------------------

  private entryId(c: Cluster, e: TemplateEntry): string {
    return e.parts.size === 0 && e.id === 0 ? String(c.id) : `${c.id}.${e.id}`;
  }

  /** The tree key of a token: itself for words, `<*>` for anything that may be a variable. */
  private treeKey(token: string): string {
    return tokenType(token) === 'word' && !/\d/.test(token) ? token : WILDCARD;
  }

  private pathOf(tokens: string[]): string[] {
    const path = [String(tokens.length)];
    const d = Math.min(this.options.depth, tokens.length);
    for (let i = 0; i < d; i++) path.push(this.treeKey(tokens[i]));
    return path;
  }

  /** The leaf for a path, creating nodes; a full node sends new keys to its `<*>` branch. */
  private leafAt(path: string[]): TreeNode {
    let level = this.root;
    let node: TreeNode | undefined;
    for (const key of path) {
      node = level.get(key);
      if (!node) {
        const k = key !== WILDCARD && level.size >= this.options.maxChildren && level !== this.root ? WILDCARD : key;
        node = level.get(k);
        if (!node) {
          node = { children: new Map(), clusters: [] };
          level.set(k, node);
        }
      }
      level = node.children;
    }
    return node as TreeNode;
  }

  /** The leaf a path leads to, without creating nodes (a full node's new keys lead to its `<*>` branch). */
  private findLeaf(path: string[]): TreeNode | undefined {
    let level = this.root;
    let node: TreeNode | undefined;
    for (const key of path) {
      node = level.get(key);
      if (!node && level !== this.root && level.size >= this.options.maxChildren) node = level.get(WILDCARD);
      if (!node) return undefined;
      level = node.children;
    }
    return node;
  }

  private indexFirst(c: Cluster): void {
    const key = c.first;
    const list = this.byFirst.get(key);
    if (list) list.push(c.id);
    else this.byFirst.set(key, [c.id]);
  }

  /** Drain's sequence similarity, with a masked value matching a variable position; and the parameter count. */
  private similarity(template: string[], tokens: string[]): [number, number] {
    if (template.length === 0) return [1, 0];
    let same = 0;
    let params = 0;
    for (let i = 0; i < template.length; i++) {
      if (template[i] === WILDCARD) {
        params++;
        if (tokens[i] === WILDCARD) same++;
      } else if (template[i] === tokens[i]) same++;
    }
    return [same / template.length, params];
  }

  private findCluster(msg: PreparedMessage): { cluster: number; aligned?: ReturnType<typeof alignToTemplate> } | null {
    const leaf = this.findLeaf(this.pathOf(msg.tokens));
    let best = -1;
    let bestSim = -1;
    let bestParams = -1;
    for (const id of leaf?.clusters ?? []) {
      const c = this.clusters[id];
      if (c.tokens.length !== msg.tokens.length) continue;
      const [sim, params] = this.similarity(c.tokens, msg.tokens);
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = id;
        bestSim = sim;
        bestParams = params;
      }
    }
    if (best >= 0 && bestSim >= this.options.similarity) return { cluster: best };
    if (this.options.maxLengthDifference === 0 || msg.tokens.length === 0) return null;
    const first = this.treeKey(msg.tokens[0]);
    let alignedBest: { cluster: number; aligned: NonNullable<ReturnType<typeof alignToTemplate>> } | null = null;
    for (const id of this.byFirst.get(first) ?? []) {
      const c = this.clusters[id];
      const diff = Math.abs(c.tokens.length - msg.tokens.length);
      if (diff === 0 || diff > this.options.maxLengthDifference) continue;
      const a = alignToTemplate(c.tokens, msg.tokens, msg.raw);
      if (
        a &&
        a.similarity >= this.options.similarity &&
        (!alignedBest || a.similarity > alignedBest.aligned.similarity)
      ) {
        alignedBest = { cluster: id, aligned: a };
      }
    }
    return alignedBest;
  }

  private createCluster(msg: PreparedMessage): Cluster {
    const path = this.pathOf(msg.tokens);
    const c: Cluster = {
      id: this.clusters.length,
      path,
      first: msg.tokens.length > 0 ? this.treeKey(msg.tokens[0]) : WILDCARD,
      tokens: msg.tokens.slice(),
      shape: msg.raw.slice(),
      seps: msg.seps.slice(),
      size: 0,
      split: msg.tokens.map(() => null),
      gaps: new Set(),
      entries: new Map(),
      nextEntry: 0,
    };
    c.size = 1;
    this.clusters.push(c);
    this.leafAt(path).clusters.push(c.id);
    this.indexFirst(c);
    return c;
  }

  /** Value key of a token at a split position: the token, `<*>` for a pure value, null for an identifier. */
  private valueKey(token: string, previous?: string): string | null {
    const t = tokenType(token, previous);
    return t === 'value' ? WILDCARD : t === 'identifier' ? null : token;
  }

  private update(c: Cluster, tokens: string[], raw: string[]): void {
    c.size++;
    const limit = this.options.valueCardinality;
    for (let i = 0; i < tokens.length; i++) {
      const previous = i > 0 ? tokens[i - 1] : undefined;
      const oldShape = c.shape[i];
      if (oldShape !== raw[i]) c.shape[i] = generalizeShape(oldShape, raw[i]);
      if (c.tokens[i] !== WILDCARD) {
        if (c.tokens[i] === tokens[i]) continue;
        const a = this.valueKey(c.tokens[i], i > 0 ? c.tokens[i - 1] : undefined);
        const b = this.valueKey(tokens[i], previous);
        c.tokens[i] = WILDCARD;
        if (limit > 2 && a !== null && b !== null && a !== b && !mixes(a, oldShape, b, raw[i])) {
          c.split[i] = new Map([
            [a, { count: c.size - 1, shape: oldShape }],
            [b, { count: 1, shape: raw[i] }],
          ]);
          this.rekey(c, (parts) => parts.set(i, a));
        }
        continue;
      }
      const values = c.split[i];
      if (!values) continue;
      const b = this.valueKey(tokens[i], previous);
      const known = b === null ? undefined : values.get(b);
      if (known) {
        known.count++;
        known.shape = generalizeShape(known.shape, raw[i]);
        continue;
      }
      let dies = b === null || values.size + 1 >= limit;
      if (!dies) for (const [k, v] of values) if (mixes(k, v.shape, b as string, raw[i])) dies = true;
      if (dies) {
        c.split[i] = null;
        this.rekey(c, (parts) => parts.delete(i));
      } else values.set(b as string, { count: 1, shape: raw[i] });
    }
  }

  /** Change every template entry's parts and merge entries that become equal (the oldest id survives). */
  private rekey(c: Cluster, change: (parts: Map<number, string>) => void): void {
    const merged = new Map<string, TemplateEntry>();
    const entries = [...c.entries.values()].sort((x, y) => x.id - y.id);
    for (const e of entries) {
      change(e.parts);
      const key = partsKey(e.parts);
      const into = merged.get(key);
      if (!into) {
        merged.set(key, e);
        continue;
      }
      into.count += e.count;
      if (e.firstSeen !== undefined && (into.firstSeen === undefined || e.firstSeen < into.firstSeen))
        into.firstSeen = e.firstSeen;
      if (e.lastSeen !== undefined && (into.lastSeen === undefined || e.lastSeen > into.lastSeen))
        into.lastSeen = e.lastSeen;
    }
    c.entries.clear();
    for (const [k, e] of merged) c.entries.set(k, e);
  }

  /** The split values a message has at its cluster's split positions. */
  private partsOf(c: Cluster, tokens: string[]): Map<number, string> {
    const parts = new Map<number, string>();
    c.split.forEach((values, i) => {
      if (!values) return;
      parts.set(i, this.valueKey(tokens[i] ?? WILDCARD, i > 0 ? tokens[i - 1] : undefined) ?? WILDCARD);
    });
    return parts;
  }

  private render(c: Cluster, parts: Map<number, string>): string {
    let out = '';
    for (let i = 0; i < c.tokens.length; i++) {
      let text = c.shape[i];
      const v = parts.get(i);
      if (v !== undefined) text = c.split[i]?.get(v)?.shape ?? text;
      if (c.gaps.has(i)) out += (i > 0 ? ' ' : '') + WILDCARD;
      out += (i > 0 || c.gaps.has(i) ? c.seps[i] || ' ' : '') + text;
    }
    if (c.gaps.has(c.tokens.length)) out += ' ' + WILDCARD;
    return out;
  }
}
