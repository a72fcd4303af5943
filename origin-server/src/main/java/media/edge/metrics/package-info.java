/** Prometheus metrics: meters defined once at start-up with low-cardinality tags, and the scrape text. */
package media.edge.metrics;
