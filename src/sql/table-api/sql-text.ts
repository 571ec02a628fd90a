/**
 * SQL text for the Table API: the fluent API writes the query a user would write in SQL and
 * plans it with the SQL layer, so names are backquoted and values written as SQL literals.
 */

/** `` `name` ``, with a backquote in the name doubled. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** `'text'`, with a quote in the text doubled. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A dotted path (`catalog.db.t`, `person.name`), each part backquoted. */
export function quotePath(parts: readonly string[]): string {
  return parts.map(quoteIdentifier).join('.');
}
