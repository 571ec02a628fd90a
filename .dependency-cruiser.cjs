/**
 * Layer rules from ARCHITECTURE.md: dependencies point downward only.
 * Order, top to bottom: cli, web, cluster, sql, api, connectors, graph, checkpoint, runtime, exchange,
 * windowing, state, time, types. `index.ts` is the public surface and may import anything.
 * User-facing contracts the runtime needs (function interfaces, source and sink contracts) live in
 * `types`, so the runtime never reaches up into the builder API.
 */
const layers = [
  'cli', 'web', 'cluster', 'sql', 'api', 'connectors', 'graph', 'checkpoint',
  'runtime', 'exchange', 'windowing', 'state', 'time', 'types',
];

const forbidden = [];
layers.forEach((layer, i) => {
  const above = layers.slice(0, i);
  if (above.length === 0) return;
  forbidden.push({
    name: `${layer}-not-upward`,
    comment: `src/${layer} must not import a layer above it (${above.join(', ')})`,
    severity: 'error',
    from: { path: `^src/${layer}/` },
    to: { path: `^src/(${above.join('|')})/` },
  });
});
forbidden.push({
  name: 'no-circular',
  severity: 'error',
  from: {},
  to: { circular: true },
});
forbidden.push({
  name: 'connectors-use-public-layers',
  comment: 'connectors implement the public contracts in types (and may use state and time), never runtime internals',
  severity: 'error',
  from: { path: '^src/connectors/' },
  to: { path: '^src/(runtime|exchange|graph|checkpoint)/' },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
