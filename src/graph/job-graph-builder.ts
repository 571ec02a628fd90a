/**
 * Turns transformations into a job graph. Virtual transformations are folded into edges;
 * every edge gets a partitioner (forward between equal parallelism, rebalance otherwise,
 * unless one was chosen); operators joined by chainable edges are fused into one vertex, so
 * they call each other directly instead of passing records through a channel.
 *
 * An edge is chainable when it is forward, both ends have the same parallelism, the
 * downstream operator has exactly this one input, it is not a two-input operator, and neither
 * end asked for a new chain.
 */
import type { PartitionerSpec } from '../exchange/partitioner.js';
import type {
  ChainedOperatorSpec,
  JobConfig,
  JobEdge,
  JobGraph,
  JobVertex,
  OperatorOutputSpec,
} from '../runtime/job-graph.js';
import { checkMaxParallelism } from '../state/key-groups.js';
import { ErrorCodes, userError } from '../types/errors.js';
import type { Transformation } from './transformation.js';

/** What the builder needs besides the transformations. */
export interface JobGraphOptions {
  readonly jobId: string;
  readonly jobName: string;
  readonly defaultParallelism: number;
  /** The environment's maxParallelism if it was set; else 128, or more for large parallelism. */
  readonly defaultMaxParallelism: number | undefined;
  readonly chainingEnabled: boolean;
  readonly config: JobConfig;
}

interface StreamEdge {
  readonly source: Transformation;
  readonly target: Transformation;
  readonly targetInput: number;
  readonly partitioner: PartitionerSpec;
  readonly tag: string | undefined;
  chained: boolean;
  jobEdge: number;
}

interface ResolvedInput {
  readonly node: Transformation;
  readonly partitioner: PartitionerSpec | undefined;
  readonly tag: string | undefined;
}

/** Builds the job graph for everything that leads to `sinks`. */
export function buildJobGraph(sinks: readonly Transformation[], options: JobGraphOptions): JobGraph {
  if (sinks.length === 0) {
    throw userError(
      ErrorCodes.INVALID_GRAPH,
      'the job has no sinks, so nothing would run; end each pipeline with sinkTo(...), print() or executeAndCollect()',
    );
  }
  const nodes = topologicalNodes(sinks);
  const parallelism = new Map<Transformation, number>();
  const maxParallelism = new Map<Transformation, number>();
  for (const node of nodes) {
    const p = resolveParallelism(node, options);
    parallelism.set(node, p);
    const maxP = checkMaxParallelism(
      node.maxParallelism ?? options.defaultMaxParallelism ?? Math.max(128, p),
    );
    if (maxP < p) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `operator '${node.name}' has parallelism ${p} above its maxParallelism ${maxP}; raise setMaxParallelism or lower setParallelism`,
      );
    }
    maxParallelism.set(node, maxP);
  }
  checkUids(nodes);

  const inEdges = new Map<Transformation, StreamEdge[]>(nodes.map((n) => [n, []]));
  const outEdges = new Map<Transformation, StreamEdge[]>(nodes.map((n) => [n, []]));
  for (const node of nodes) {
    node.inputs.forEach((input, i) => {
      for (const resolved of resolveInput(input, undefined, undefined)) {
        const edge: StreamEdge = {
          source: resolved.node,
          target: node,
          targetInput: i + 1,
          partitioner: choosePartitioner(resolved, node, parallelism),
          tag: resolved.tag,
          chained: false,
          jobEdge: -1,
        };
        inEdges.get(node)!.push(edge);
        outEdges.get(resolved.node)!.push(edge);
      }
    });
  }
  for (const node of nodes) {
    const edges = inEdges.get(node)!;
    if (edges.length !== 1 || !options.chainingEnabled) continue;
    const edge = edges[0]!;
    edge.chained =
      edge.partitioner.kind === 'forward' &&
      node.kind !== 'two-input' &&
      node.kind !== 'source' &&
      node.chaining === 'always' &&
      edge.source.chaining !== 'never' &&
      parallelism.get(edge.source) === parallelism.get(node);
  }

  // Vertices: each node that is not chained to its input heads one; chained nodes follow in DFS order.
  const vertices: JobVertex[] = [];
  const vertexOf = new Map<Transformation, number>();
  const chains: Transformation[][] = [];
  for (const node of nodes) {
    const edges = inEdges.get(node)!;
    if (edges.length === 1 && edges[0]!.chained) continue;
    const chain: Transformation[] = [];
    const visit = (n: Transformation): void => {
      chain.push(n);
      vertexOf.set(n, chains.length);
      for (const edge of outEdges.get(n)!)
        if (edge.chained && !chain.includes(edge.target)) visit(edge.target);
    };
    visit(node);
    chains.push(chain);
  }
  const jobEdges: JobEdge[] = [];
  for (const node of nodes) {
    for (const edge of inEdges.get(node)!) {
      if (edge.chained) continue;
      edge.jobEdge = jobEdges.length;
      jobEdges.push({
        id: jobEdges.length,
        source: vertexOf.get(edge.source)!,
        target: vertexOf.get(node)!,
        targetInput: edge.targetInput,
        partitioner: edge.partitioner,
      });
    }
  }
  chains.forEach((chain, vertexId) => {
    const operators: ChainedOperatorSpec[] = chain.map((n) => ({
      uid: n.uid ?? `${n.kind}-${n.id}`,
      name: n.name,
      source:
        n.kind === 'source'
          ? { source: n.details.source!, watermarkStrategy: n.details.watermarkStrategy! }
          : undefined,
      createOperator: n.details.createOperator,
      keySelectors: n.details.keySelectors ?? [],
      outputs: outEdges
        .get(n)!
        .map(
          (edge): OperatorOutputSpec =>
            edge.chained
              ? { kind: 'chained', target: chain.indexOf(edge.target), tag: edge.tag }
              : { kind: 'network', edge: edge.jobEdge, tag: edge.tag },
        ),
    }));
    const head = chain[0]!;
    vertices.push({
      id: vertexId,
      name: chain.map((n) => n.name).join(' -> '),
      parallelism: parallelism.get(head)!,
      maxParallelism: maxParallelism.get(head)!,
      operators,
    });
  });
  return {
    jobId: options.jobId,
    jobName: options.jobName,
    vertices,
    edges: jobEdges,
    config: options.config,
  };
}

/** Physical nodes reachable from the sinks, producers before consumers. */
function topologicalNodes(sinks: readonly Transformation[]): Transformation[] {
  const order: Transformation[] = [];
  const seen = new Set<Transformation>();
  const visit = (t: Transformation): void => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const input of t.inputs) visit(input);
    if (t.physical) order.push(t);
  };
  for (const sink of [...sinks].sort((a, b) => a.id - b.id)) visit(sink);
  return order;
}

function resolveInput(
  t: Transformation,
  partitioner: PartitionerSpec | undefined,
  tag: string | undefined,
): ResolvedInput[] {
  switch (t.kind) {
    case 'partition':
      return resolveInput(t.inputs[0]!, partitioner ?? t.details.partitioner, tag);
    case 'side-output':
      return resolveInput(t.inputs[0]!, partitioner, t.details.tag);
    case 'union':
      return t.inputs.flatMap((input) => resolveInput(input, partitioner, tag));
    default:
      return [{ node: t, partitioner, tag }];
  }
}

function choosePartitioner(
  input: ResolvedInput,
  target: Transformation,
  parallelism: Map<Transformation, number>,
): PartitionerSpec {
  const up = parallelism.get(input.node)!;
  const down = parallelism.get(target)!;
  if (input.partitioner === undefined) return up === down ? { kind: 'forward' } : { kind: 'rebalance' };
  if (input.partitioner.kind === 'forward' && up !== down) {
    throw userError(
      ErrorCodes.INVALID_GRAPH,
      `forward() between '${input.node.name}' (parallelism ${up}) and '${target.name}' (parallelism ${down}) needs equal parallelism; use rebalance() or rescale() instead`,
    );
  }
  return input.partitioner;
}

function resolveParallelism(node: Transformation, options: JobGraphOptions): number {
  const sourceMax = node.kind === 'source' ? node.details.source?.maxParallelism : undefined;
  let p = node.parallelism;
  if (p === undefined)
    p =
      sourceMax === undefined ? options.defaultParallelism : Math.min(sourceMax, options.defaultParallelism);
  if (sourceMax !== undefined && p > sourceMax) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `source '${node.name}' supports parallelism at most ${sourceMax}, got ${p}; remove setParallelism on it or use a parallel source`,
    );
  }
  return p;
}

function checkUids(nodes: readonly Transformation[]): void {
  const seen = new Map<string, Transformation>();
  for (const node of nodes) {
    if (node.uid === undefined) continue;
    const other = seen.get(node.uid);
    if (other !== undefined) {
      throw userError(
        ErrorCodes.INVALID_GRAPH,
        `uid '${node.uid}' is used by both '${other.name}' and '${node.name}'; give each operator a unique uid`,
      );
    }
    seen.set(node.uid, node);
  }
}
