/**
 * An expression as SQL text outside any operation, as `Expression.toString` gives it for error
 * messages: names stay names, where an operation would resolve windows and column sets.
 */
import type { Expression } from './expression.js';

/** SQL text of an expression outside any operation, for `toString`. */
export function nodeText(e: Expression): string {
  const node = e.node;
  switch (node.kind) {
    case 'column':
      return node.path.join('.');
    case 'star':
      return '*';
    case 'literal':
    case 'bound':
      return node.sql;
    case 'columns':
      return `${node.without ? 'withoutColumns' : 'withColumns'}(${node.specs.map((c) => (typeof c === 'object' ? nodeText(c) : String(c))).join(', ')})`;
    case 'range':
      return `range(${node.from}, ${node.to})`;
    case 'inQuery':
      return `${nodeText(node.operand)} IN (${node.table.subquery().sql})`;
    case 'sql':
      return node.parts.map((p) => (typeof p === 'string' ? p : nodeText(p))).join('');
    case 'call':
      return `${node.fn}(${node.distinct ? 'DISTINCT ' : ''}${node.args.map(nodeText).join(', ')})`;
    case 'over':
      return `${nodeText(node.call)} OVER ${nodeText(node.window)}`;
    case 'windowProperty':
      return `${node.window}.${node.property.toLowerCase()}`;
    case 'alias':
      return `${nodeText(node.inner)} AS ${[node.name, ...node.more].join(', ')}`;
    case 'order':
      return `${nodeText(node.inner)} ${node.descending ? 'DESC' : 'ASC'}${node.nulls ? ` NULLS ${node.nulls}` : ''}`;
  }
}
