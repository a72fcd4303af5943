/**
 * The rules of RFC 9111 for a shared cache (storing, freshness, age, validation, variants,
 * invalidation), free of I/O and of clocks.
 */
package media.edge.httpcache;
